#!/usr/bin/env bash
# Runs a command (the test recipes) with TEST_DATABASE_ADMIN_URL pointing at
# a PostgreSQL server the tests may create and drop databases on:
#   1. TEST_DATABASE_ADMIN_URL when it is set (it must answer);
#   2. else postgres://postgres@127.0.0.1:5432/postgres if a server answers
#      there (a local Debian cluster that is down is started first);
#   3. else an embedded PostgreSQL 18 in a throwaway directory, started for
#      this command and stopped and deleted after it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
default_url="postgres://postgres@127.0.0.1:5432/postgres"

if [[ -n "${TEST_DATABASE_ADMIN_URL:-}" ]]; then
  DATABASE_URL="$TEST_DATABASE_ADMIN_URL" "$root/scripts/db-ready.sh" --server-only
  exec "$@"
fi

if DATABASE_URL="$default_url" "$root/scripts/db-ready.sh" --server-only --quiet --wait 10; then
  echo "with-test-db: using the PostgreSQL server at $default_url" >&2
  export TEST_DATABASE_ADMIN_URL="$default_url"
  exec "$@"
fi

echo "with-test-db: no PostgreSQL at 127.0.0.1:5432: starting an embedded one for this run" >&2
# shellcheck source=scripts/embedded-postgres.sh
source "$root/scripts/embedded-postgres.sh"
trap embedded_pg_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
embedded_pg_start --throwaway --database postgres || exit 1
export TEST_DATABASE_ADMIN_URL="$EMBEDDED_PG_URL"
"$@"
