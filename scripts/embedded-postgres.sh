# shellcheck shell=bash
# Sourced by dev.sh and with-test-db.sh (not run): starts the embedded
# PostgreSQL (frontend/scripts/embedded-postgres.ts) in the background and
# waits until it accepts connections.
#
#   embedded_pg_start SERVE-ARGS...   sets EMBEDDED_PG_PID and EMBEDDED_PG_URL;
#                                     returns 1 (the script said why) on failure
#   embedded_pg_stop                  stops it (fast shutdown) and waits for it
#
# The server also stops by itself when the sourcing script's process is gone
# (--watch-pid), so a killed `just dev` leaves no PostgreSQL behind.

embedded_pg_start() {
  local frontend ready ticks=0
  frontend="$(cd "$(dirname "${BASH_SOURCE[0]}")/../frontend" && pwd)"
  EMBEDDED_PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/todo-pg.XXXXXX")"
  ready="$EMBEDDED_PG_TMP/url"
  # node --import tsx, not the tsx CLI: one process, which signals reach
  # directly. In a process group of its own (set -m): Ctrl-C in a terminal
  # signals the whole foreground group at once, and PostgreSQL must outlive
  # the API and the web app (embedded_pg_stop stops it after them) rather
  # than cut their connections while they shut down.
  set -m
  (cd "$frontend" && exec node --import tsx scripts/embedded-postgres.ts serve \
    --ready-file "$ready" --watch-pid "$$" "$@") &
  EMBEDDED_PG_PID=$!
  set +m
  until [[ -s "$ready" ]]; do
    if ! kill -0 "$EMBEDDED_PG_PID" 2>/dev/null; then
      wait "$EMBEDDED_PG_PID" 2>/dev/null || true
      EMBEDDED_PG_PID=""
      return 1
    fi
    if ((ticks++ >= 1200)); then
      echo "embedded-postgres: not ready after 10 minutes; giving up" >&2
      embedded_pg_stop
      return 1
    fi
    sleep 0.5
  done
  # shellcheck disable=SC2034 # read by the scripts that source this file
  EMBEDDED_PG_URL="$(<"$ready")"
}

embedded_pg_stop() {
  if [[ -n "${EMBEDDED_PG_PID:-}" ]]; then
    kill -TERM "$EMBEDDED_PG_PID" 2>/dev/null || true
    wait "$EMBEDDED_PG_PID" 2>/dev/null || true
    EMBEDDED_PG_PID=""
  fi
  if [[ -n "${EMBEDDED_PG_TMP:-}" ]]; then
    rm -rf "$EMBEDDED_PG_TMP"
    EMBEDDED_PG_TMP=""
  fi
}
