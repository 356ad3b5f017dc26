#!/usr/bin/env bash
# Runs a command with the variables from .env (created from .env.example on
# first use; TODO_ENV_FILE names another file). Only the run and migrate recipes use it: tests set their own.
# With DATABASE_URL empty (the default) the command gets the URL of the
# embedded PostgreSQL that `just dev` runs (port and password from .env); it
# answers only while `just dev` runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
env_file="${TODO_ENV_FILE:-$root/.env}"
TODO_ENV_FILE="$env_file" "$root/scripts/ensure-env.sh"
set -a
# shellcheck disable=SC1090
source "$env_file"
set +a
if [[ -z "${DATABASE_URL:-}" ]]; then
  if [[ -z "${EMBEDDED_PG_PORT:-}" || -z "${EMBEDDED_PG_PASSWORD:-}" ]]; then
    echo "with-env: DATABASE_URL is empty and the embedded PostgreSQL has not run yet: run \`just dev\`, or set DATABASE_URL in .env" >&2
    exit 1
  fi
  echo "with-env: DATABASE_URL is empty: using the embedded PostgreSQL on 127.0.0.1:$EMBEDDED_PG_PORT (it runs while \`just dev\` does)" >&2
  export DATABASE_URL="postgres://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${EMBEDDED_PG_PORT}/todo"
fi
exec "$@"
