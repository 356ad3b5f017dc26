#!/usr/bin/env bash
# Makes sure the PostgreSQL server in DATABASE_URL answers and that the
# database itself exists, creating it when missing (frontend/scripts/db-ready.ts,
# with the web app's `pg` driver: no psql needed). On this project's machines
# PostgreSQL is a local service; if it is down it tries to start it.
# Arguments go to db-ready.ts (--server-only, --wait SECONDS, --quiet).
set -euo pipefail
frontend="$(cd "$(dirname "$0")/../frontend" && pwd)"
if [[ ! -x "$frontend/node_modules/.bin/tsx" ]]; then
  echo "db-ready: the web app's npm packages are not installed (run: just web-deps)" >&2
  exit 1
fi
cd "$frontend"
exec node_modules/.bin/tsx scripts/db-ready.ts "$@"
