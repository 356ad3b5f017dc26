#!/usr/bin/env bash
# Creates .env from .env.example on first run, with a freshly generated
# BETTER_AUTH_SECRET, so `just dev` works on a fresh clone without a manual
# step and without any secret ever being committed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -f .env ]]; then
  exit 0
fi
secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | head -c 64)
sed "s|^BETTER_AUTH_SECRET=.*|BETTER_AUTH_SECRET=${secret}|" .env.example > .env
chmod 600 .env
echo "ensure-env: created .env with a new BETTER_AUTH_SECRET" >&2
