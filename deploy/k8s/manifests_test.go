// Package k8s_test checks the Kubernetes manifests: every document decodes
// strictly into its Kubernetes API type (an unknown or misspelt field is an
// error), and the deployment keeps the rules docs/deploying.md states.
package k8s_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/openapi"
)

// objects are the decoded manifests by kind and name.
type objects struct {
	deployments map[string]*appsv1.Deployment
	services    map[string]*corev1.Service
	configMaps  map[string]*corev1.ConfigMap
	secrets     map[string]*corev1.Secret
}

func load(t *testing.T) objects {
	t.Helper()
	o := objects{map[string]*appsv1.Deployment{}, map[string]*corev1.Service{}, map[string]*corev1.ConfigMap{}, map[string]*corev1.Secret{}}
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range bytes.Split(data, []byte("\n---\n")) {
			if len(bytes.TrimSpace(doc)) == 0 {
				continue
			}
			where := fmt.Sprintf("%s document %d", f, i+1)
			var meta struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal(doc, &meta); err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			var name string
			switch meta.APIVersion + " " + meta.Kind {
			case "apps/v1 Deployment":
				var d appsv1.Deployment
				strict(t, where, doc, &d)
				name, o.deployments[d.Name] = d.Name, &d
			case "v1 Service":
				var s corev1.Service
				strict(t, where, doc, &s)
				name, o.services[s.Name] = s.Name, &s
			case "v1 ConfigMap":
				var c corev1.ConfigMap
				strict(t, where, doc, &c)
				name, o.configMaps[c.Name] = c.Name, &c
			case "v1 Secret":
				var s corev1.Secret
				strict(t, where, doc, &s)
				name, o.secrets[s.Name] = s.Name, &s
			default:
				t.Fatalf("%s: unexpected %s %s", where, meta.APIVersion, meta.Kind)
			}
			if name == "" {
				t.Errorf("%s: no metadata.name", where)
			}
		}
	}
	return o
}

func strict(t *testing.T, where string, doc []byte, into any) {
	t.Helper()
	if err := yaml.UnmarshalStrict(doc, into); err != nil {
		t.Fatalf("%s: %v", where, err)
	}
}

// TestStrictDecodingCatchesTypos: the decoding used above rejects a
// misspelt field, so the manifests' check is not vacuous.
func TestStrictDecodingCatchesTypos(t *testing.T) {
	var d appsv1.Deployment
	if err := yaml.UnmarshalStrict([]byte("apiVersion: apps/v1\nkind: Deployment\nspec: {replica: 3}\n"), &d); err == nil {
		t.Fatal("a misspelt field was accepted")
	}
}

// TestPorticoDeployment: three replicas, probes on the admin listener,
// a preStop pause and a grace period that covers the drain, non-root, the
// settings and definitions from the ConfigMap, the admin credentials from
// the Secret, the data Service on the http port.
func TestPorticoDeployment(t *testing.T) {
	o := load(t)
	d := o.deployments["portico"]
	if d == nil {
		t.Fatal("no portico Deployment")
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 3 {
		t.Errorf("replicas %v, want 3", d.Spec.Replicas)
	}
	pod := d.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers", len(pod.Containers))
	}
	c := pod.Containers[0]
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	if ports["http"] != 8080 || ports["admin"] != 9090 {
		t.Errorf("ports %v", ports)
	}
	for name, pr := range map[string]*corev1.Probe{"/readyz": c.ReadinessProbe, "/healthz": c.LivenessProbe} {
		if pr == nil || pr.HTTPGet == nil || pr.HTTPGet.Path != name || pr.HTTPGet.Port.String() != "admin" {
			t.Errorf("probe %s: %+v", name, pr)
		}
	}
	if c.Lifecycle == nil || c.Lifecycle.PreStop == nil || c.Lifecycle.PreStop.Sleep == nil || c.Lifecycle.PreStop.Sleep.Seconds < 1 {
		t.Fatalf("no preStop pause: %+v", c.Lifecycle)
	}
	if sc := pod.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0 {
		t.Errorf("pod security context %+v, want non-root", sc)
	}

	// The settings: loaded as Portico loads them, the secrets from the
	// environment the Secret fills.
	cm := o.configMaps["portico-config"]
	if cm == nil {
		t.Fatal("no portico-config ConfigMap")
	}
	dir := t.TempDir()
	for name, data := range cm.Data {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{}
	for _, e := range c.Env {
		ref := e.ValueFrom.SecretKeyRef
		s := o.secrets[ref.Name]
		if s == nil || s.StringData[ref.Key] == "" {
			t.Fatalf("env %s: secret %s key %s missing", e.Name, ref.Name, ref.Key)
		}
		env[e.Name] = s.StringData[ref.Key]
	}
	if !slices.Equal(c.Args[:3], []string{"serve", "--config", "/etc/portico/portico.yaml"}) {
		t.Errorf("args %q", c.Args)
	}
	mounted := false
	for _, m := range c.VolumeMounts {
		for _, v := range pod.Volumes {
			if v.Name == m.Name && v.ConfigMap != nil && v.ConfigMap.Name == cm.Name && m.MountPath == "/etc/portico" {
				mounted = true
			}
		}
	}
	if !mounted {
		t.Error("the ConfigMap is not mounted at /etc/portico")
	}
	cfg, err := config.Load(filepath.Join(dir, "portico.yaml"), func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("settings in the ConfigMap: %v", err)
	}
	for _, a := range cfg.APIs {
		data, err := os.ReadFile(a.Definition)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := openapi.Import(a.Definition, data); err != nil {
			t.Errorf("definition %s: %v", a.Definition, err)
		}
	}
	if cfg.Store.Type != "redis" || !strings.Contains(cfg.Store.URL, "portico-redis:6379") || o.services["portico-redis"] == nil || o.deployments["portico-redis"] == nil {
		t.Errorf("the replicas must share the portico-redis store: %+v", cfg.Store)
	}
	// The grace period covers the preStop pause and the drain.
	grace := time.Duration(*pod.TerminationGracePeriodSeconds) * time.Second
	need := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds)*time.Second + cfg.Server.ShutdownTimeout.D()
	if grace <= need {
		t.Errorf("terminationGracePeriodSeconds %v must exceed preStop + server.shutdownTimeout = %v", grace, need)
	}
	svc := o.services["portico"]
	if svc == nil || svc.Spec.Selector["app.kubernetes.io/name"] != "portico" || svc.Spec.Ports[0].TargetPort.String() != "http" {
		t.Errorf("portico Service: %+v", svc)
	}
	for name, dep := range o.deployments {
		sel := dep.Spec.Selector.MatchLabels
		for k, v := range sel {
			if dep.Spec.Template.Labels[k] != v {
				t.Errorf("deployment %s: selector %s=%s does not match the pod labels", name, k, v)
			}
		}
	}
}
