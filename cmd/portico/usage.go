package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/portico-gw/portico/internal/app"
	"github.com/portico-gw/portico/internal/config"
)

// usageCmd prints a usage report as JSON: from the running gateway's admin
// listener when it answers, else straight from the store.
func usageCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("usage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "settings file (portico.yaml)")
	plan := fs.String("plan", "", "usage plan name or id")
	key := fs.String("key", "", "API key name or id (default: every key of the plan)")
	from := fs.String("from", "", "first day, YYYY-MM-DD (default: start of the current quota period)")
	to := fs.String("to", "", "last day, YYYY-MM-DD (default: today)")
	if err := fs.Parse(args); err != nil {
		return exitInvalid
	}
	if *cfgPath == "" || *plan == "" {
		fmt.Fprintln(stderr, "portico usage: --config and --plan are required")
		return exitInvalid
	}
	cfg, err := config.Load(*cfgPath, getenv)
	if err != nil {
		printProblems(stderr, err)
		return exitInvalid
	}
	q := url.Values{"plan": {*plan}}
	if *key != "" {
		q.Set("key", *key)
	}
	if *from != "" || *to != "" {
		if *to == "" {
			*to = time.Now().UTC().Format("2006-01-02")
		}
		q.Set("startDate", *from)
		q.Set("endDate", *to)
	}
	if cfg.Admin.Listen != "off" {
		if body, status, err := fetchUsage(ctx, cfg.Admin.Listen, q); err == nil {
			fmt.Fprint(stdout, body)
			if status != http.StatusOK {
				return exitInvalid
			}
			return exitOK
		}
	}
	rep, err := app.OfflineUsage(ctx, cfg, q.Get("plan"), q.Get("key"), q.Get("startDate"), q.Get("endDate"))
	if err != nil {
		fmt.Fprintf(stderr, "portico usage: %v\n", err)
		return exitRuntime
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(rep)
	return exitOK
}

// fetchUsage asks a running gateway's admin listener.
func fetchUsage(ctx context.Context, addr string, q url.Values) (string, int, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/usage?"+q.Encode(), nil)
	if err != nil {
		return "", 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	return string(b), resp.StatusCode, err
}
