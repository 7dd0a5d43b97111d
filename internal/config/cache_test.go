package config

import (
	"strings"
	"testing"
)

func TestCacheSettings(t *testing.T) {
	t.Parallel()
	doc := "apis:\n  - id: a\n    definition: ./api.yaml\n    stages:\n      - name: dev\n        cache: {enabled: true, size: 1.6, ttl: 60}\n" +
		"        methodSettings:\n          - {resourcePath: /*, httpMethod: \"*\", cachingEnabled: true}\n" +
		"          - {resourcePath: \"/~1pets~1{id}\", httpMethod: POST, cachingEnabled: true, cacheTtlInSeconds: 3600, cacheDataEncrypted: true,\n" +
		"             requireAuthorizationForCacheControl: false, unauthorizedCacheControlHeaderStrategy: FAIL_WITH_403}\n"
	f, err := Load(write(t, "portico.yaml", doc), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	st := f.APIs[0].Stages[0]
	if !st.Cache.Enabled || st.Cache.SizeBytes() != 1717986918 || st.Cache.DefaultTTL() != 60 {
		t.Errorf("cache = %+v", st.Cache)
	}
	ms := st.MethodSettings[1]
	if ms.ResourcePath != "/pets/{id}" || *ms.CacheTTLInSeconds != 3600 || *ms.RequireAuthorizationForCacheControl ||
		ms.UnauthorizedCacheControlHeaderStrategy != CacheFailWith403 || !*ms.CachingEnabled {
		t.Errorf("method setting = %+v", ms)
	}
	if c := (&StageCache{Enabled: true}); c.SizeBytes() != 1<<29 || c.DefaultTTL() != 300 {
		t.Errorf("defaults: size %d ttl %d", c.SizeBytes(), c.DefaultTTL())
	}
}

func TestCacheSettingsErrors(t *testing.T) {
	t.Parallel()
	stage := "apis:\n  - id: a\n    definition: ./api.yaml\n    stages:\n      - name: dev\n"
	for name, tc := range map[string]struct{ doc, want string }{
		"size":    {stage + "        cache: {enabled: true, size: 2}\n", "portico.yaml:6: /apis/0/stages/0/cache/size: size 2 is not a cache cluster size"},
		"ttl":     {stage + "        cache: {enabled: true, ttl: 3601}\n", "/apis/0/stages/0/cache/ttl: ttl must be 0 to 3600 seconds"},
		"unknown": {stage + "        cache: {enabled: true, capacity: 1}\n", "field capacity is not a known setting"},
		"method ttl": {stage + "        methodSettings:\n          - {resourcePath: /*, httpMethod: \"*\", cacheTtlInSeconds: -1}\n",
			"portico.yaml:7: /apis/0/stages/0/methodSettings/0/cacheTtlInSeconds: cacheTtlInSeconds must be 0 to 3600"},
		"strategy": {stage + "        methodSettings:\n          - {resourcePath: /*, httpMethod: \"*\", unauthorizedCacheControlHeaderStrategy: IGNORE}\n",
			`/apis/0/stages/0/methodSettings/0/unauthorizedCacheControlHeaderStrategy: unauthorizedCacheControlHeaderStrategy must be FAIL_WITH_403, SUCCEED_WITH_RESPONSE_HEADER or SUCCEED_WITHOUT_RESPONSE_HEADER, not "IGNORE"`},
	} {
		_, err := Load(write(t, "portico.yaml", tc.doc), noEnv)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
}
