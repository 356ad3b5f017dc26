#!/usr/bin/env bash
# Runs a command with the variables from .env (created from .env.example on
# first use). Only the run and migrate recipes use it: tests set their own.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/ensure-env.sh"
set -a
# shellcheck disable=SC1091
source "$root/.env"
set +a
exec "$@"
