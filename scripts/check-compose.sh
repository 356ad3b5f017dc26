#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine: `docker compose config`
# (v2) when the plugin exists, else Debian's docker-compose (v1), whose
# validator checks the same compose-spec schema.
set -euo pipefail
cd "$(dirname "$0")/.."
export BETTER_AUTH_SECRET="${BETTER_AUTH_SECRET:-compose-config-check-placeholder-secret}"
if docker compose version >/dev/null 2>&1; then
  docker compose config --quiet
elif command -v docker-compose >/dev/null 2>&1; then
  docker-compose config --quiet
else
  echo "check-compose: neither 'docker compose' nor 'docker-compose' is installed" >&2
  exit 1
fi
echo "docker-compose.yml is valid"
