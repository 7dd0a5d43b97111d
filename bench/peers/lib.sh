# Shared by bench/peers/*/start and ready: reads the harness environment,
# fills in defaults and offers the helpers every peer needs. Sourced, not run.
#
#   PEER_LISTEN    host:port the peer listens on (required)
#   PEER_UPSTREAM  host:port of the HTTP back end (required for proxy and keys)
#   PEER_WORK      private temp dir for configs and data (created if missing)
#   PEER_SCENARIO  proxy | keys | lambda (default proxy)
#   PEER_BIN       where bench/peers/build put binaries (default bench/.peers,
#                  relative to PEER_REPO)
#   PEER_REDIS     host:port of Redis (default 127.0.0.1:6379)
#   PEER_REPO      absolute repo root (default: found from this file)

# unavailable prints a one-line reason on stderr and exits 3, the code the
# harness reads as "this peer cannot run this scenario here".
unavailable() {
  echo "$PEER_NAME: $*" >&2
  exit 3
}

# need_env exits 2 with a message when a required variable is empty.
need_env() {
  local v
  for v in "$@"; do
    if [ -z "${!v:-}" ]; then
      echo "$PEER_NAME: $v is not set" >&2
      exit 2
    fi
  done
}

PEER_REPO="${PEER_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
PEER_BIN="${PEER_BIN:-bench/.peers}"
case "$PEER_BIN" in /*) ;; *) PEER_BIN="$PEER_REPO/$PEER_BIN" ;; esac
PEER_SCENARIO="${PEER_SCENARIO:-proxy}"
PEER_REDIS="${PEER_REDIS:-127.0.0.1:6379}"
if [ -z "${PEER_WORK:-}" ]; then PEER_WORK="$(mktemp -d)"; fi
mkdir -p "$PEER_WORK"
