#!/usr/bin/env bash
# `just dev`: database ready → auth migration → API migration → API and web
# app running. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/ensure-env.sh
set -a
# shellcheck disable=SC1091
source .env
set +a

scripts/db-ready.sh

if [[ ! -d frontend/node_modules ]]; then
  (cd frontend && npm ci --no-audit --no-fund)
fi
cargo build --quiet -p api-actix --bin todo-api
api_bin="${CARGO_TARGET_DIR:-target}/debug/todo-api"

# Better Auth's tables first: the tasks table references its "user" table.
(cd frontend && npm run --silent db:migrate)
"$api_bin" migrate

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
# Ctrl-C is the normal way to stop: exit cleanly. If one of the two dies on
# its own, stop the other and report its failure.
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT

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
echo "  Press Ctrl-C to stop."
echo
wait -n "${pids[@]}"
