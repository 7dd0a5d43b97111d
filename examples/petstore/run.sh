#!/usr/bin/env bash
# Runs the petstore example: builds portico and the example upstream, starts
# the upstream on 127.0.0.1:9001, then portico on 127.0.0.1:8080 (admin on
# 127.0.0.1:9090). Ctrl-C stops both.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# Two of the example's functions are a Node.js and a Python handler, run on
# the local interpreters.
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]})); then
  echo "The example's Node.js and Python functions need: ${missing[*]} (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi
mkdir -p "$root/bin"
(cd "$root" && go build -o bin/portico ./cmd/portico && go build -o bin/petstore-upstream ./examples/petstore/upstream)
"$root/bin/petstore-upstream" --listen 127.0.0.1:9001 &
upstream=$!
trap 'kill $upstream 2>/dev/null || true' EXIT INT TERM
"$root/bin/portico" serve --config "$here/portico.yaml" "$@"
