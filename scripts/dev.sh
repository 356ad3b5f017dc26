#!/usr/bin/env bash
# `just dev`: database ready → auth migration → API migration → API and web
# app running. Ctrl-C stops all of them.
#
# DATABASE_URL set (in .env): that server is used, its database created if
# missing; nothing embedded starts. DATABASE_URL empty (the default): an
# embedded PostgreSQL 18 runs for as long as this script does, its data kept
# in .data/postgres and its port and password in .env (EMBEDDED_PG_PORT,
# EMBEDDED_PG_PASSWORD). DATABASE_URL stays empty in .env, so every run
# embeds again; only the processes started here get the embedded URL.
#
# TODO_ENV_FILE (default .env) and TODO_DATA_DIR (default .data) point the
# script elsewhere; the dev-script test uses them to leave a developer's own
# files alone. With TODO_ENV_FILE set, the web app reads no other .env file.
set -euo pipefail
invoked_from="$PWD"
cd "$(dirname "$0")/.."
root="$PWD"
absolute() { if [[ "$1" == /* ]]; then echo "$1"; else echo "$invoked_from/$1"; fi; }
env_file="$(absolute "${TODO_ENV_FILE:-$root/.env}")"
data_dir="$(absolute "${TODO_DATA_DIR:-$root/.data}")"
# shellcheck source=scripts/embedded-postgres.sh
source scripts/embedded-postgres.sh

TODO_ENV_FILE="$env_file" scripts/ensure-env.sh
set -a
# shellcheck disable=SC1090
source "$env_file"
set +a
if [[ -n "${TODO_ENV_FILE:-}" ]]; then
  export TODO_NO_DOTENV=1
fi

if [[ ! -d frontend/node_modules || ! frontend/node_modules/.package-lock.json -nt frontend/package-lock.json ]]; then
  (cd frontend && npm ci --no-audit --no-fund)
fi
cargo build --quiet -p api-actix --bin todo-api
api_bin="${CARGO_TARGET_DIR:-target}/debug/todo-api"

pids=()
# A process and all its descendants (npm → next dev → its workers), deepest
# last, read from /proc: procps may be missing on a bare machine.
tree() {
  local pid="$1" child
  echo "$pid"
  for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do tree "$child"; done
}
# Running and not yet reaped? (kill -0 also succeeds on a zombie.)
running() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" && [[ "${stat##*) }" != Z* ]]
}
cleanup() {
  trap - INT TERM EXIT
  local pid waited all=()
  for pid in "${pids[@]}"; do
    all+=($(tree "$pid"))
    kill -TERM "$pid" 2>/dev/null || true
  done
  # A child that ignores SIGTERM (seen once: next dev, stopped while it
  # compiled on a saturated machine) must not keep Ctrl-C from working:
  # after 10 s what is left of the tree is killed.
  for ((waited = 0; waited < 100; waited++)); do
    local alive=false
    for pid in "${all[@]}"; do running "$pid" && alive=true && break; done
    [[ "$alive" == true ]] || break
    sleep 0.1
  done
  for pid in "${all[@]}"; do
    if running "$pid"; then
      echo "dev: process $pid did not stop within 10 s of SIGTERM: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  # The database last: the API and the web app may still be closing connections.
  embedded_pg_stop
}
# Ctrl-C is the normal way to stop: exit cleanly. If one of them dies on its
# own, stop the others and report its failure.
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT

if [[ -n "${DATABASE_URL:-}" ]]; then
  scripts/db-ready.sh
  database="PostgreSQL from DATABASE_URL"
else
  echo "dev: DATABASE_URL is empty: starting the embedded PostgreSQL (data in $data_dir/postgres)" >&2
  embedded_pg_start --data-dir "$data_dir/postgres" --env-file "$env_file" --database todo || exit 1
  export DATABASE_URL="$EMBEDDED_PG_URL"
  database="embedded PostgreSQL at ${DATABASE_URL#*@}, data in $data_dir/postgres"
fi

# Better Auth's tables first: the tasks table references its "user" table.
(cd frontend && npm run --silent db:migrate)
"$api_bin" migrate

"$api_bin" serve &
pids+=($!)
(cd frontend && exec npm run --silent dev -- --port "${WEB_PORT:-3000}") &
pids+=($!)

web_url="http://localhost:${WEB_PORT:-3000}"
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null "$web_url/api/auth/ok" 2>/dev/null; then break; fi
  sleep 1
done
echo
echo "  Task manager running at $web_url   (API at http://${API_BIND_ADDR:-127.0.0.1:8000})"
echo "  Database: $database"
echo "  Press Ctrl-C to stop."
echo
wait -n "${pids[@]}" ${EMBEDDED_PG_PID:+"$EMBEDDED_PG_PID"}
