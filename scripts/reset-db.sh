#!/usr/bin/env bash
# `just reset-db`: deletes the embedded PostgreSQL's data (.data/postgres, or
# $TODO_DATA_DIR/postgres), every user and task in it, after asking. Refuses
# while `just dev` runs it; a server left running by a killed run is stopped
# first. A database in DATABASE_URL is never touched. --yes skips the question.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data_dir="${TODO_DATA_DIR:-$root/.data}/postgres"

if [[ ! -e "$data_dir" ]]; then
  echo "reset-db: $data_dir does not exist; nothing to delete"
  exit 0
fi
if [[ ! -x "$root/frontend/node_modules/.bin/tsx" ]]; then
  echo "reset-db: the web app's npm packages are not installed (run: just web-deps)" >&2
  exit 1
fi
(cd "$root/frontend" && node --import tsx scripts/embedded-postgres.ts check-stopped --data-dir "$data_dir")

if [[ "${1:-}" != "--yes" ]]; then
  if [[ ! -t 0 ]]; then
    echo "reset-db: no terminal to confirm on; run \`just reset-db --yes\` to delete $data_dir" >&2
    exit 1
  fi
  read -r -p "Delete the embedded PostgreSQL's data in $data_dir (every user and task)? [y/N] " answer
  if [[ ! "$answer" =~ ^[Yy]([Ee][Ss])?$ ]]; then
    echo "reset-db: kept $data_dir"
    exit 0
  fi
fi
rm -rf "$data_dir"
echo "reset-db: deleted $data_dir; the next \`just dev\` starts with an empty database"
