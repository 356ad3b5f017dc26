#!/usr/bin/env bash
# Makes sure the PostgreSQL server in DATABASE_URL answers and that the
# database itself exists, creating it when missing. On this project's
# machines PostgreSQL is a local service; if it is down we try to start it.
set -euo pipefail

url="${DATABASE_URL:?DATABASE_URL is not set}"
# The server-level URL: same credentials and host, maintenance database.
base="${url%%\?*}"
query=""
[[ "$url" == *\?* ]] && query="?${url#*\?}"
dbname="${base##*/}"
admin_url="${base%/*}/postgres${query}"

if ! command -v psql >/dev/null 2>&1; then
  echo "db-ready: psql is not installed; install PostgreSQL's client (apt-get install -y postgresql-client)" >&2
  exit 1
fi

for attempt in $(seq 1 30); do
  if psql "$admin_url" -Atqc 'select 1' >/dev/null 2>&1; then
    break
  fi
  if [[ $attempt -eq 1 ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1 || true)
    if [[ -n "$version" ]]; then
      echo "db-ready: PostgreSQL is not answering; starting cluster $version/main" >&2
      pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
    fi
  fi
  if [[ $attempt -eq 30 ]]; then
    echo "db-ready: PostgreSQL at ${admin_url%%@*}@… is not reachable" >&2
    exit 1
  fi
  sleep 1
done

if [[ "$(psql "$admin_url" -Atqc "select 1 from pg_database where datname = '${dbname//\'/\'\'}'")" != "1" ]]; then
  echo "db-ready: creating database $dbname" >&2
  psql "$admin_url" -qc "create database \"${dbname//\"/\"\"}\"" >/dev/null
fi
echo "db-ready: database $dbname is ready" >&2
