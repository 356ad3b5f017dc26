#!/usr/bin/env bash
# `just contract-test`: schemathesis generates requests from the OpenAPI
# document the real todo-api serves and checks every response against it.
#
# On a throwaway database (created on TEST_DATABASE_ADMIN_URL, default
# postgres://postgres@127.0.0.1:5432/postgres, dropped at the end) with a
# stand-in "user"(id uuid) table holding one user, migrated by
# `todo-api migrate`, the API runs in AUTH_MODE=hs256 with a generated
# secret on a free port, its rate limits raised out of the way (one user
# sends every request; the limiter has its own tests). An HS256 token for that user (iss = JWT_ISSUER,
# aud todo-api, sub, iat, exp: crates/adapters-jwt's policy) goes in every
# request, and the path parameter user_id is fixed to that user, so the
# generated requests reach real 2xx answers rather than stopping at 403.
#
# Checks (scripts/schemathesis.toml says why the others are off):
# not_a_server_error, status_code_conformance, content_type_conformance,
# response_headers_conformance, response_schema_conformance. Bounded by
# CONTRACT_TEST_MAX_TIME seconds (default 120) and
# CONTRACT_TEST_MAX_EXAMPLES per operation and phase (default 150).
#
# schemathesis (pinned below) is installed into target/schemathesis-venv
# the first time. The database client is the web app's `pg` driver (no
# psql needed): run `just web-deps` first (the recipe does). Everything
# started here is stopped on exit, failure or Ctrl-C.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

schemathesis_version="4.32.5"
venv="$root/target/schemathesis-venv"
admin_url="${TEST_DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
max_time="${CONTRACT_TEST_MAX_TIME:-120}"
max_examples="${CONTRACT_TEST_MAX_EXAMPLES:-150}"
bin="${CARGO_TARGET_DIR:-$root/target}/debug/todo-api"

say() { printf 'contract-test: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ -d "$root/frontend/node_modules/pg" ] || die "the web app's npm packages are missing (run: just web-deps)"

# --- schemathesis in its own venv ------------------------------------------------
if [ "$("$venv/bin/st" --version 2>/dev/null | awk '{print $NF}')" != "$schemathesis_version" ]; then
  say "installing schemathesis $schemathesis_version into ${venv#"$root"/}"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi

# --- everything started below is stopped here ----------------------------------
work="$(mktemp -d)"
api_pid=""
db=""
# SQL on the admin server through the web app's pg driver: sql URL STATEMENT...
sql() {
  local url="$1"
  shift
  node --input-type=module -e '
    import { createRequire } from "node:module";
    const pg = createRequire(process.argv[1] + "/frontend/package.json")("pg");
    const client = new pg.Client({ connectionString: process.argv[2] });
    await client.connect();
    try {
      for (const statement of process.argv.slice(3)) await client.query(statement);
    } finally {
      await client.end();
    }' "$root" "$url" "$@"
}
stop_api() {
  [ -n "$api_pid" ] || return 0
  kill -TERM "$api_pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$api_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$api_pid" 2>/dev/null || true
  wait "$api_pid" 2>/dev/null || true
  api_pid=""
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_api
  if [ -n "$db" ]; then
    sql "$admin_url" "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
      say "could not drop database $db; drop it by hand"
  fi
  if [ "$status" -ne 0 ] && [ -s "$work/api.log" ]; then
    say "the API's log (last 40 lines):"
    tail -n 40 "$work/api.log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- database ----------------------------------------------------------------------
db="contract_test_$(date +%s)_$$"
db_url="$(python3 - "$admin_url" "$db" <<'EOF'
import sys
from urllib.parse import urlsplit, urlunsplit
url = urlsplit(sys.argv[1])
print(urlunsplit(url._replace(path="/" + sys.argv[2])))
EOF
)"
user_id="$(python3 -c 'import uuid; print(uuid.uuid4())')"
sql "$admin_url" "CREATE DATABASE \"$db\""
# TEST FIXTURE standing in for Better Auth's "user" table (its own migration
# creates the real one); the tasks migration only needs "user"(id uuid).
sql "$db_url" 'CREATE TABLE "user" (id uuid PRIMARY KEY)' "INSERT INTO \"user\" (id) VALUES ('$user_id')"

cargo build --quiet -p api-actix --bin todo-api
DATABASE_URL="$db_url" RUST_LOG=warn "$bin" migrate >/dev/null

# --- the API -------------------------------------------------------------------------
secret="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
issuer="http://contract-test.invalid"
env -u DATABASE_MIGRATION_URL \
  DATABASE_URL="$db_url" AUTH_MODE=hs256 BETTER_AUTH_SECRET="$secret" \
  BETTER_AUTH_URL="$issuer" JWT_ISSUER="$issuer" JWT_AUDIENCE=todo-api \
  API_BIND_ADDR=127.0.0.1:0 RUST_LOG="${RUST_LOG:-warn}" \
  RATE_LIMIT_PER_SECOND=1000000 RATE_LIMIT_BURST=1000000 \
  AUTH_FAILURE_LIMIT_PER_MINUTE=1000000 AUTH_FAILURE_LIMIT_BURST=1000000 \
  "$bin" serve >"$work/api.out" 2>"$work/api.log" &
api_pid=$!
base_url=""
for _ in $(seq 100); do
  base_url="$(sed -n 's/^listening on \(http:\/\/[^ ]*\)$/\1/p' "$work/api.out" | head -n 1)"
  [ -n "$base_url" ] && break
  kill -0 "$api_pid" 2>/dev/null || die "todo-api exited before listening"
  sleep 0.1
done
[ -n "$base_url" ] || die "todo-api did not announce its address within 10 s"
python3 - "$base_url/readyz" <<'EOF' || die "todo-api is not ready"
import sys, time, urllib.request, urllib.error
for _ in range(100):
    try:
        with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except (urllib.error.URLError, OSError):
        pass
    time.sleep(0.1)
sys.exit(1)
EOF

# --- the token: HS256 over the secret's bytes, as crates/adapters-jwt checks it ----
token="$(python3 - "$secret" "$issuer" "$user_id" <<'EOF'
import base64, hashlib, hmac, json, sys, time
secret, issuer, sub = sys.argv[1:4]
b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
now = int(time.time())
header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
claims = b64(json.dumps({"iss": issuer, "aud": "todo-api", "sub": sub, "iat": now, "exp": now + 3600}).encode())
signature = b64(hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest())
print(f"{header}.{claims}.{signature}")
EOF
)"

# --- schemathesis ---------------------------------------------------------------------
say "API at $base_url, user $user_id; schemathesis for at most ${max_time} s"
# From the scratch directory: schemathesis and hypothesis leave caches in
# the current directory.
cd "$work"
CONTRACT_USER_ID="$user_id" "$venv/bin/st" --config-file "$root/scripts/schemathesis.toml" --no-color \
  run "$base_url/api/openapi.json" \
  --url "$base_url" \
  -H "Authorization: Bearer $token" \
  --max-time "$max_time" \
  --max-examples "$max_examples" \
  --exclude-path '/api/{user_id}/events' \
  --report junit --report-junit-path "$root/target/contract-test/junit.xml" ${CONTRACT_TEST_ST_ARGS:-}
