package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds a Chromium or Chrome to drive. Without one the
// browser test is skipped, loudly, unless PORTICO_REQUIRE_CHROMIUM=1.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("PORTICO_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("no chromium on PATH and PORTICO_REQUIRE_CHROMIUM=1 (Debian: apt-get install chromium)")
	}
	t.Skip("SKIPPED: no chromium on PATH, the dashboard is not tested in a browser (Debian: apt-get install chromium; PORTICO_REQUIRE_CHROMIUM=1 makes this a failure)")
	return ""
}

// screenshotDirs are where the view screenshots go: the test's artifact
// directory, and PORTICO_DASHBOARD_SCREENSHOTS (relative to the repository
// root) when set, e.g. docs/img.
func screenshotDirs(t *testing.T) []string {
	dirs := []string{t.ArtifactDir()}
	if d := os.Getenv("PORTICO_DASHBOARD_SCREENSHOTS"); d != "" {
		if !filepath.IsAbs(d) {
			d = filepath.Join("..", "..", d)
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	return dirs
}

// TestDashboardInBrowser drives the page in headless Chromium against a
// gateway on testdata/dashboard and checks what each view shows.
func TestDashboardInBrowser(t *testing.T) {
	t.Parallel()
	browser := chromiumPath(t)
	d := startDashboard(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.WindowSize(1400, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	dirs := screenshotDirs(t)

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// until polls a JavaScript predicate until it is true.
	until := func(what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
			t.Fatalf("%s: %v (%s) in %.3000s", what, err, expr, html)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return s
	}
	shot := func(view string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", view, err)
		}
		for _, dir := range dirs {
			p := filepath.Join(dir, "dashboard-"+view+".png")
			if err := os.WriteFile(p, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", p)
		}
	}
	noSecrets := func(view string) {
		t.Helper()
		if html := eval(`document.documentElement.outerHTML`); strings.Contains(html, aliceKey) || strings.Contains(html, dashboardSecret) {
			t.Errorf("the %s view shows a secret", view)
		}
	}
	view := func(name string) {
		t.Helper()
		do("open "+name, chromedp.Click(chromedp.CSS(`#nav button[data-view="`+name+`"]`)))
		until("the "+name+" view is shown", `document.querySelector("#view-`+name+`").classList.contains("active")`)
	}

	// (a) APIs and stages.
	do("open the dashboard", chromedp.Navigate("http://"+d.admin+"/"))
	until("the APIs view lists petstore", `document.querySelectorAll('#apis .api[data-api="petstore"]').length === 1`)
	apis := eval(`document.querySelector("#apis").innerText`)
	for _, want := range []string{"petstore — Petstore (dashboard test) (REST)", "x-amazon-apigateway-documentation is not implemented by Portico",
		"body-and-params (body, parameters)", "CUSTOM (bearer, TOKEN)", "prod: 100/s, burst 50", "AWS_PROXY", "backend, token"} {
		if !strings.Contains(apis, want) {
			t.Errorf("APIs view lacks %q:\n%s", want, apis)
		}
	}
	if got := eval(`document.querySelector('#apis tr[data-route="GET /premium/pets"] .tag.key').textContent`); got != "required" {
		t.Errorf("GET /premium/pets API key cell: %q", got)
	}
	noSecrets("APIs")
	shot("apis")

	// Traffic to look at.
	d.call(t, "GET", "/prod/pets", nil, "")
	if s := d.call(t, "GET", "/prod/premium/pets", nil, ""); s != 403 {
		t.Fatalf("no key: %d", s)
	}
	if s := d.call(t, "GET", "/prod/premium/pets", map[string]string{"x-api-key": aliceKey}, ""); s != 200 {
		t.Fatalf("keyed: %d", s)
	}

	// (d) Keys: the quota bar moves as the key is used.
	view("keys")
	until("alice's quota bar shows 1 of 3", `!!document.querySelector('#keys tr[data-key="alice"] .quota-bar[data-used="1"][data-limit="3"]')`)
	if w := eval(`document.querySelector('#keys .quota-bar .fill').style.width`); !strings.HasPrefix(w, "33.3") {
		t.Errorf("bar width at 1 of 3: %q", w)
	}
	if got := eval(`document.querySelector('#keys tr[data-key="alice"]').innerText`); !strings.Contains(got, "****ghij") || !strings.Contains(got, "1 / 3 per day") {
		t.Errorf("alice's row: %q", got)
	}
	d.call(t, "GET", "/prod/premium/pets", map[string]string{"x-api-key": aliceKey}, "")
	d.call(t, "GET", "/prod/premium/pets", map[string]string{"x-api-key": aliceKey}, "")
	until("the bar moves to 3 of 3 (refreshed every 5 s)", `!!document.querySelector('#keys .quota-bar[data-used="3"] .fill.full')`)
	if w := eval(`document.querySelector('#keys .quota-bar .fill').style.width`); w != "100%" {
		t.Errorf("bar width at 3 of 3: %q", w)
	}
	noSecrets("keys")
	shot("keys")

	// (c) The live tail: the 429 appears with its reason; its row opens
	// the execution-log lines.
	view("tail")
	until("the tail is live", `document.querySelector("#tail-state").textContent === "live"`)
	if s := d.call(t, "GET", "/prod/premium/pets", map[string]string{"x-api-key": aliceKey}, ""); s != 429 {
		t.Fatalf("over quota: %d", s)
	}
	until("the 429 is in the tail", `!!document.querySelector('#tail-rows tr[data-status="429"]')`)
	row := eval(`document.querySelector('#tail-rows tr[data-status="429"]').innerText`)
	if !strings.Contains(row, "/prod/premium/pets") || !strings.Contains(row, "QUOTA_EXCEEDED") || !strings.Contains(row, "quota") {
		t.Errorf("429 row: %q", row)
	}
	do("open the 429", chromedp.Click(chromedp.CSS(`#tail-rows tr[data-status="429"]`)))
	until("its execution-log lines", `(document.querySelector("#exec-lines") || {}).textContent?.includes("Method completed with status: 429")`)
	shot("tail")
	do("filter 2xx", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#tail-class"); s.value = "2xx"; s.dispatchEvent(new Event("change")); })()`))
	until("the filtered tail shows only 2xx", `document.querySelectorAll('#tail-rows tr').length === 4 && [...document.querySelectorAll('#tail-rows tr')].every(r => r.dataset.status === "200")`)

	// (e) Functions.
	d.call(t, "POST", "/prod/fn/echo", nil, `{"statusCode":200,"body":"hi"}`)
	d.call(t, "POST", "/prod/fn/echo", nil, `not json`)
	view("functions")
	until("Echo's counters", `(document.querySelector('#functions tr[data-function="Echo"]') || {}).innerText?.includes("Expecting value")`)
	if got := eval(`[...document.querySelectorAll('#functions tr[data-function="Echo"] td')].slice(0, 8).map(c => c.textContent).join("|")`); got != "Echo|provided|1|0|2|2|1|1" {
		t.Errorf("Echo row: %q", got)
	}
	shot("functions")

	// (b) Traffic.
	view("traffic")
	until("the routes table", `!!document.querySelector('#traffic-routes tr[data-route="GET /premium/pets"]')`)
	if got := eval(`[...document.querySelectorAll('#traffic-routes tr[data-route="GET /premium/pets"] td')].slice(0, 6).map(c => c.textContent).join("|")`); got != "petstore|prod|GET /premium/pets|5|2|0" {
		t.Errorf("GET /premium/pets traffic: %q", got)
	}
	if got := eval(`document.querySelector('#traffic-types').innerText`); !strings.Contains(got, "QUOTA_EXCEEDED\t1") || !strings.Contains(got, "INVALID_API_KEY\t1") {
		t.Errorf("response types: %q", got)
	}
	until("the charts are drawn", `document.querySelectorAll("#view-traffic .uplot canvas").length === 2`)
	shot("traffic")

	// (f) Try it.
	view("try")
	do("send GET /prod/pets", chromedp.SetValue(chromedp.CSS("#try-path"), "/prod/pets"), chromedp.Click(chromedp.CSS("#try-send")))
	until("the answer", `document.querySelector("#try-status").textContent === "200"`)
	if got := eval(`document.querySelector("#try-body-out").textContent`); got != `[{"id":1,"type":"dog"}]` {
		t.Errorf("try body: %q", got)
	}
	if got := eval(`document.querySelector("#try-headers-out").textContent`); !strings.Contains(got, "Content-Type: application/json") || !strings.Contains(got, "x-amzn-RequestId: ") {
		t.Errorf("try headers: %q", got)
	}
	shot("try")
}
