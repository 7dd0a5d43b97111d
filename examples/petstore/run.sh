#!/usr/bin/env bash
# Runs the petstore example: builds portico and the example upstream, starts
# the upstream on 127.0.0.1:9001, then portico on 127.0.0.1:8080 (admin on
# 127.0.0.1:9090). Ctrl-C stops both.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mkdir -p "$root/bin"
(cd "$root" && go build -o bin/portico ./cmd/portico && go build -o bin/petstore-upstream ./examples/petstore/upstream)
"$root/bin/petstore-upstream" --listen 127.0.0.1:9001 &
upstream=$!
trap 'kill $upstream 2>/dev/null || true' EXIT INT TERM
"$root/bin/portico" serve --config "$here/portico.yaml" "$@"
