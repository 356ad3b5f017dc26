#!/usr/bin/env bash
# Creates .env from .env.example on first run, with a freshly generated
# BETTER_AUTH_SECRET and EMBEDDED_PG_PASSWORD (the password of the embedded
# PostgreSQL that `just dev` runs while DATABASE_URL is empty, the default),
# so `just dev` works on a fresh clone without a manual step and without any
# secret ever being committed. TODO_ENV_FILE names another file to create.
set -euo pipefail
cd "$(dirname "$0")/.."
env_file="${TODO_ENV_FILE:-.env}"
if [[ -f "$env_file" ]]; then
  exit 0
fi
generate() { head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | head -c "$1"; }
secret="$(generate 64)"
password="$(generate 40)"
sed -e "s|^BETTER_AUTH_SECRET=.*|BETTER_AUTH_SECRET=${secret}|" \
  -e "s|^EMBEDDED_PG_PASSWORD=.*|EMBEDDED_PG_PASSWORD=${password}|" .env.example >"$env_file"
chmod 600 "$env_file"
echo "ensure-env: created $env_file with a new BETTER_AUTH_SECRET and EMBEDDED_PG_PASSWORD" >&2
