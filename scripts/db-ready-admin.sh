#!/usr/bin/env bash
# Tests create and drop their own databases; they only need the server.
set -euo pipefail
DATABASE_URL="${TEST_DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}" \
  exec "$(dirname "$0")/db-ready.sh" --server-only "$@"
