#!/usr/bin/env bash
# `just bench-api`: load benchmark of the release todo-api against the
# database's own ceiling. On a fresh database (created on
# TEST_DATABASE_ADMIN_URL, dropped at the end) seeded with 1,000 users, each
# with an Inbox and three lists, five labels and 100 tasks (60 of them in one
# list, a quarter of them subtasks, 0–3 labels each; see seed.sql), wrk
# drives the API with one HS256 token per user in six scenarios (list,
# list_in_list, create, complete, move, and a 60/30/10 mix of list, create
# and complete), then pgbench runs the same SQL statements straight on
# PostgreSQL. Prints one table and writes target/bench/api.json. Everything
# it starts is stopped on exit, failure or Ctrl-C.
#
# Settings (environment): TEST_DATABASE_ADMIN_URL (default
# postgres://postgres@127.0.0.1:5432/postgres), BENCH_SCENARIOS (a comma-
# separated subset of the six, default all), BENCH_DURATION (seconds per
# measurement, default 10), BENCH_WARMUP (seconds, default 2),
# BENCH_CONNECTIONS (default 64), BENCH_TASKS_PER_USER (default 100),
# BENCH_THREADS (wrk threads and pgbench -j,
# default 2), BENCH_PG_LOG (the server's log file, for checking the
# statements; found by itself for a local Debian cluster). The API runs
# with its defaults (pool of 10, RUST_LOG=info to a file) unless the
# environment sets DATABASE_MAX_CONNECTIONS or RUST_LOG.
# BENCH_FANOUT=0 skips the fan-out measurement of issue 10 (fanout.mjs:
# BENCH_FANOUT_STREAMS event streams, default 1000, 10 per user, while
# BENCH_FANOUT_RATE tasks per second, default 100, are created for
# BENCH_FANOUT_SECONDS, default 10: delivery latency and memory per stream).
# BENCH_POOLER=transaction puts a PgBouncer in pool_mode = transaction (the
# pgbouncer from PATH or /usr/sbin, e.g. Debian's 1.18) between the API and
# PostgreSQL and runs the API with DATABASE_POOLER=transaction, as behind
# Neon's pooled endpoint; pgbench still measures the ceiling directly.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/scripts/bench-api"
cd "$root"

duration="${BENCH_DURATION:-10}"
warmup="${BENCH_WARMUP:-2}"
connections="${BENCH_CONNECTIONS:-64}"
threads="${BENCH_THREADS:-2}"
users=1000
# BENCH_TASKS_PER_USER=20 gives issue 8's original workload (1,000 users ×
# 20 tasks): every list page then holds all of a user's tasks.
tasks_per_user="${BENCH_TASKS_PER_USER:-100}"
# Tasks 1 … big_list of each user are in its list "Work": list_in_list asks
# for a page of 50 of them, move reorders them.
big_list=$((tasks_per_user * 60 / 100))
all_scenarios=(list list_in_list create complete move mix)
IFS=, read -r -a scenarios <<<"${BENCH_SCENARIOS:-$(
  IFS=,
  echo "${all_scenarios[*]}"
)}"
for scenario in "${scenarios[@]}"; do
  [[ " ${all_scenarios[*]} " == *" $scenario "* ]] ||
    { echo "bench-api: BENCH_SCENARIOS: unknown scenario '$scenario' (known: ${all_scenarios[*]})" >&2; exit 2; }
done
admin_url="${TEST_DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
out_dir="$root/target/bench"
bin="${CARGO_TARGET_DIR:-$root/target}/release/todo-api"
pooler="${BENCH_POOLER:-none}"
fanout="${BENCH_FANOUT:-1}"
case "$pooler" in none | transaction) ;; *) echo "bench-api: BENCH_POOLER must be none or transaction, got '$pooler'" >&2; exit 2 ;; esac

say() { printf 'bench-api: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

missing=()
for tool in cargo psql pgbench wrk node curl; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ "$pooler" = transaction ] && ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
  missing+=(pgbouncer)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  die "missing ${missing[*]} (Debian: apt-get install wrk postgresql-client curl; pgbench comes with the postgresql package)"
fi

# --- Everything started below is stopped here ---------------------------------
work="$(mktemp -d)"
api_pid=""
db=""
bouncer_pid=""
# kill -0 also succeeds on a zombie: an exited API is one not yet reaped.
api_alive() {
  local stat
  [ -n "$api_pid" ] && stat="$(cat "/proc/$api_pid/stat" 2>/dev/null)" && [[ "${stat##*) }" != Z* ]]
}
stop_api() {
  [ -n "$api_pid" ] || return 0
  if api_alive; then
    kill -TERM "$api_pid" 2>/dev/null || true
    for _ in $(seq 50); do api_alive || break; sleep 0.1; done
    kill -KILL "$api_pid" 2>/dev/null || true
  fi
  wait "$api_pid" 2>/dev/null || true
  api_pid=""
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  # wrk or pgbench, if interrupted while running in the background.
  local child
  for child in $(jobs -p); do kill -TERM "$child" 2>/dev/null || true; done
  stop_api
  if [ -n "$bouncer_pid" ]; then
    kill -TERM "$bouncer_pid" 2>/dev/null || true
    wait "$bouncer_pid" 2>/dev/null || true
  fi
  if [ -n "$db" ]; then
    psql "$admin_url" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
      say "could not drop database $db; drop it by hand"
  fi
  rm -rf "$work"
  exit "$status"
}
# A command run in the background and waited for: a signal then reaches the
# traps at once instead of after the command ends.
in_background() {
  "$@" &
  wait $!
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Build, database, seed ------------------------------------------------------
say "building the release binary"
cargo build --quiet --release -p api-actix --bin todo-api

psql "$admin_url" -qAt -c 'SELECT 1' >/dev/null 2>&1 ||
  die "PostgreSQL is not reachable at TEST_DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres)"

# Databases left behind by a run killed with SIGKILL, after an hour.
cutoff=$(($(date +%s) - 3600))
while read -r stale; do
  [ -n "$stale" ] || continue
  created="${stale#todo_bench_}"
  created="${created%%_*}"
  if [[ "$created" =~ ^[0-9]+$ ]] && [ "$created" -lt "$cutoff" ]; then
    psql "$admin_url" -qAt -c "DROP DATABASE IF EXISTS \"$stale\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
done < <(psql "$admin_url" -qAt -c "SELECT datname FROM pg_database WHERE datname LIKE 'todo\\_bench\\_%'")

db="todo_bench_$(date +%s)_$$"
[[ "$admin_url" =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]] ||
  die "TEST_DATABASE_ADMIN_URL must be a postgres:// URL"
db_url="${BASH_REMATCH[1]}/$db${BASH_REMATCH[4]}"
mkdir -p "$out_dir"
psql "$admin_url" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\"" >/dev/null
# Better Auth owns "user"; the tasks migration only needs its uuid id (as
# crates/test-support does).
psql "$db_url" -qAt -v ON_ERROR_STOP=1 -c 'CREATE TABLE "user" (id uuid PRIMARY KEY)' >/dev/null
DATABASE_URL="$db_url" DATABASE_MIGRATION_URL="" RUST_LOG=warn "$bin" migrate >/dev/null

# Scenarios that only read leave the rows as they were: the next one need
# not re-seed (seeding takes a while).
seeded_clean=false
seed() {
  [ "$seeded_clean" = true ] && return 0
  psql "$db_url" -qAt -v ON_ERROR_STOP=1 -v users="$users" -v tasks_per_user="$tasks_per_user" \
    -v big_list="$big_list" -f "$here/seed.sql" >/dev/null
  # Write the seeded pages out now rather than during the next scenario's
  # measurement (which would then always be the first one after a seed).
  # Needs superuser or pg_checkpoint; skipped otherwise.
  psql "$db_url" -qAt -c CHECKPOINT >/dev/null 2>&1 || true
  seeded_clean=true
}
writes() { # scenario: whether it changes rows
  case "$1" in list | list_in_list) return 1 ;; *) return 0 ;; esac
}
say "seeding $users users × $tasks_per_user tasks (4 lists, 5 labels each) into $db"
seed

secret="$(node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("hex"))')"
issuer="http://127.0.0.1/bench-api"
# Tokens, and each user's ids as the tables hold them, for wrk.lua: the list
# "Work", its top-level tasks (the ones move reorders among themselves) and
# all the user's tasks (complete picks among them).
psql "$db_url" -qAt -v ON_ERROR_STOP=1 -c "
  SELECT tasks.user_id || '|' || work.id || ' '
         || string_agg(tasks.id::text, ',' ORDER BY tasks.position)
              FILTER (WHERE tasks.list_id = work.id AND tasks.parent_id IS NULL) || ' '
         || string_agg(tasks.id::text, ',' ORDER BY tasks.id)
    FROM tasks
    JOIN lists AS work ON work.user_id = tasks.user_id AND work.name = 'Work'
   GROUP BY tasks.user_id, work.id" |
  BETTER_AUTH_SECRET="$secret" JWT_ISSUER="$issuer" JWT_AUDIENCE=todo-api \
    node "$here/mint-tokens.mjs" >"$work/users.txt"

# --- The pooler (BENCH_POOLER=transaction) ----------------------------------------
api_db_url="$db_url"
api_pooler_env=()
if [ "$pooler" = transaction ]; then
  [[ "$db_url" =~ ^postgres(ql)?://(([^:@/]*)(:([^@/]*))?@)?([^:/?]+)(:([0-9]+))?/ ]] ||
    die "cannot read host and port from TEST_DATABASE_ADMIN_URL for PgBouncer"
  pg_user="${BASH_REMATCH[3]:-postgres}" pg_password="${BASH_REMATCH[5]}"
  pg_host="${BASH_REMATCH[6]}" pg_port="${BASH_REMATCH[8]:-5432}"
  bouncer_port="$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')"
  mkdir -p "$work/pgbouncer" && chmod 777 "$work/pgbouncer"
  # auth_type = any: the bench's own loopback clients are not checked; the
  # database entry logs in with the admin URL's credentials. The server
  # pool is the API's pool size, so PgBouncer never queues the API.
  cat >"$work/pgbouncer/pgbouncer.ini" <<INI
[databases]
* = host=$pg_host port=$pg_port user=$pg_user${pg_password:+ password=$pg_password}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = ${DATABASE_MAX_CONNECTIONS:-10}
max_client_conn = 500
logfile =
pidfile =
INI
  bouncer_bin="$(command -v pgbouncer || echo /usr/sbin/pgbouncer)"
  bouncer_user=()
  # PgBouncer refuses to run as root.
  [ "$(id -u)" = 0 ] && bouncer_user=(-u postgres)
  "$bouncer_bin" "${bouncer_user[@]}" "$work/pgbouncer/pgbouncer.ini" >"$out_dir/pgbouncer.log" 2>&1 &
  bouncer_pid=$!
  api_db_url="postgres://$pg_user${pg_password:+:$pg_password}@127.0.0.1:$bouncer_port/$db"
  for _ in $(seq 50); do
    psql "$api_db_url" -qAt -c 'SELECT 1' >/dev/null 2>&1 && break
    kill -0 "$bouncer_pid" 2>/dev/null || die "pgbouncer exited at startup: $(tail -5 "$out_dir/pgbouncer.log")"
    sleep 0.1
  done
  api_pooler_env=(DATABASE_POOLER=transaction)
  say "the API reaches PostgreSQL through PgBouncer $("$bouncer_bin" --version | head -1 | awk '{print $2}') (pool_mode = transaction) on port $bouncer_port"
fi

# --- The API --------------------------------------------------------------------
api_log="$out_dir/todo-api.log"
: >"$api_log"
start_api() {
  env -u APP_ENV DATABASE_URL="$api_db_url" "${api_pooler_env[@]}" API_BIND_ADDR=127.0.0.1:0 AUTH_MODE=hs256 \
    BETTER_AUTH_SECRET="$secret" JWT_ISSUER="$issuer" JWT_AUDIENCE=todo-api BETTER_AUTH_URL= JWKS_URL= \
    "$bin" serve >"$work/api.out" 2>>"$api_log" &
  api_pid=$!
  base=""
  for _ in $(seq 100); do
    api_alive || die "todo-api exited at startup; see $api_log"
    base="$(sed -n 's|^listening on \(http://.*\)$|\1|p' "$work/api.out")"
    if [ -n "$base" ] && curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "todo-api did not become ready; see $api_log"
}

read -r first_user first_token first_list first_movable _ <"$work/users.txt"
IFS=, read -r -a first_movable <<<"$first_movable"
create_body='{"title":"Benchmark task","description":"Created by just bench-api","priority":"high","due_at":"2030-01-01T09:00:00Z"}'
selected() { [[ ",$(
  IFS=,
  echo "${scenarios[*]}"
)," == *",$1,"* ]]; }
# One request of each kind the chosen scenarios send, each must succeed (a
# bad token would otherwise only show up as a wall of errors), along every
# path through the API's statements that pgbench replays.
request() { # expected status, curl arguments…
  local expected="$1" code
  shift
  code=$(curl -sS -o "$work/answer.json" -w '%{http_code}' -H "Authorization: Bearer $first_token" "$@")
  [ "$code" = "$expected" ] ||
    die "${*: -1} answered $code, not $expected: $(head -c 400 "$work/answer.json"); see $api_log"
}
smoke() {
  if selected list || selected mix; then
    request 200 "$base/api/$first_user/tasks?limit=50"
  fi
  if selected list_in_list; then
    request 200 "$base/api/$first_user/tasks?list_id=$first_list&limit=50"
    # What the issue's goal is about: a page of 50 tasks of one list, with labels.
    node -e '
      const page = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
      const labelled = page.filter((task) => task.labels.length > 0).length;
      if (page.length !== 50 || labelled === 0) {
        console.error(`bench-api: list_in_list served ${page.length} tasks, ${labelled} with labels (expected 50, some)`);
        process.exit(1);
      }' "$work/answer.json" || die "list_in_list does not serve a full page with labels"
  fi
  if selected create || selected mix; then
    request 201 -X POST -H 'Content-Type: application/json' -d "$create_body" "$base/api/$first_user/tasks"
  fi
  if selected complete || selected mix; then
    # The third top-level task has a subtask (seed.sql: t = 3, subtask 4):
    # completing it completes that too.
    local parent="${first_movable[2]}"
    request 200 -X PATCH -H 'Content-Type: application/json' -d '{"completed":true}' \
      "$base/api/$first_user/tasks/$parent/complete"
    request 200 -X PATCH -H 'Content-Type: application/json' -d '{"completed":false}' \
      "$base/api/$first_user/tasks/$parent/complete"
  fi
  if selected move; then
    request 200 -X POST -H 'Content-Type: application/json' -d "{\"before\":\"${first_movable[0]}\"}" \
      "$base/api/$first_user/tasks/${first_movable[3]}/move"
    request 200 -X POST -H 'Content-Type: application/json' -d "{\"after\":\"${first_movable[5]}\"}" \
      "$base/api/$first_user/tasks/${first_movable[1]}/move"
  fi
}

# --- The statements the API sends, from the server's log -------------------------
pgbench_files() { # scenario: the pgbench-*.sql scripts that replay it
  case "$1" in mix) echo list create complete ;; *) echo "$1" ;; esac
}
# log_min_duration_statement applies to connections opened after the ALTER,
# so the API is started for this check and restarted for the measurements.
pg_logs=()
if [ -n "${BENCH_PG_LOG:-}" ]; then
  pg_logs=("$BENCH_PG_LOG")
else
  major="$(psql "$db_url" -qAt -c 'SHOW server_version_num')"
  major="${major:0:2}"
  for f in /var/log/postgresql/postgresql-"$major"-*.log; do [ -r "$f" ] && pg_logs+=("$f"); done
fi
statements_checked=false
declare -A log_offsets=()
for f in "${pg_logs[@]}"; do log_offsets["$f"]=$(stat -c %s "$f" 2>/dev/null || echo 0); done
if [ "${#pg_logs[@]}" -gt 0 ] &&
  ! psql "$admin_url" -qAt -c "ALTER DATABASE \"$db\" SET log_min_duration_statement = 0" >/dev/null 2>&1; then
  pg_logs=()
fi
start_api
smoke
# The smoke requests wrote.
seeded_clean=false
stop_api
if [ "${#pg_logs[@]}" -gt 0 ]; then
  psql "$admin_url" -qAt -c "ALTER DATABASE \"$db\" RESET log_min_duration_statement" >/dev/null
  for f in "${pg_logs[@]}"; do
    tail -c "+$((log_offsets[$f] + 1))" "$f" 2>/dev/null | grep -F "@$db " || true
  done | sed -n 's/.* execute [^:]*: //p' | sort -u >"$out_dir/api-statements.sql"
  if [ -s "$out_dir/api-statements.sql" ]; then
    statements_checked=true
    for scenario in "${scenarios[@]}"; do
      for name in $(pgbench_files "$scenario"); do
        # Every "-- api:" line of the script: a write is several statements.
        while IFS= read -r expected; do
          grep -qxF "$expected" "$out_dir/api-statements.sql" ||
            die "the API no longer sends this statement of scripts/bench-api/pgbench-$name.sql: $expected
(what it sends is in $out_dir/api-statements.sql)"
        done < <(sed -n 's/^-- api: //p' "$here/pgbench-$name.sql")
      done
    done
    say "the API sends the statements pgbench runs (checked in the server log; all of them: $out_dir/api-statements.sql)"
  fi
fi
[ "$statements_checked" = true ] ||
  say "statement check SKIPPED: no readable server log naming the database (set BENCH_PG_LOG; log_line_prefix needs %d)"

# --- wrk against the API -----------------------------------------------------------
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v avg="${load_before%% *}" -v cpus="$(nproc)" 'BEGIN { exit !(avg > cpus / 2) }'; then
  say "the machine is busy (load average $load_before on $(nproc) CPUs): expect lower and noisier figures"
fi
start_api
results="$work/results"
mkdir -p "$results"
for scenario in "${scenarios[@]}"; do
  seed
  writes "$scenario" && seeded_clean=false
  # The peak RSS per scenario: writing 5 to clear_refs resets VmHWM.
  rss_reset=false
  echo 5 >"/proc/$api_pid/clear_refs" 2>/dev/null && rss_reset=true
  say "wrk: $scenario, ${warmup} s warm-up + ${duration} s at $connections connections"
  in_background wrk -t "$threads" -c "$connections" -d "${warmup}s" -s "$here/wrk.lua" "$base" \
    -- "$work/users.txt" "$scenario" >/dev/null
  in_background wrk -t "$threads" -c "$connections" -d "${duration}s" --latency -s "$here/wrk.lua" "$base" \
    -- "$work/users.txt" "$scenario" >"$results/wrk-$scenario.txt"
  api_alive || die "todo-api stopped during $scenario; see $api_log"
  sed -n 's/^BENCH_RESULT //p' "$results/wrk-$scenario.txt" >"$results/wrk-$scenario.json"
  [ -s "$results/wrk-$scenario.json" ] || die "wrk printed no result for $scenario: $(cat "$results/wrk-$scenario.txt")"
  hwm_kb="$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$api_pid/status")"
  printf '{"vm_hwm_kb":%s,"reset_per_scenario":%s}\n' "$hwm_kb" "$rss_reset" >"$results/rss-$scenario.json"
done
# --- Fan-out (issue 10): open event streams, writes, delivery latency -------------
if [ "$fanout" = 1 ]; then
  say "fan-out: ${BENCH_FANOUT_STREAMS:-1000} event streams, ${BENCH_FANOUT_RATE:-100} writes/s for ${BENCH_FANOUT_SECONDS:-10} s"
  in_background node "$here/fanout.mjs" "$work/users.txt" "$base" "$api_pid" >"$results/fanout.json" ||
    die "the fan-out measurement failed: $(tail -5 "$results/fanout.json")"
  api_alive || die "todo-api stopped during the fan-out measurement; see $api_log"
fi
stop_api

# --- pgbench: the same statements, straight on PostgreSQL --------------------------
pgbench_run() { # name seconds script…
  local name="$1" seconds="$2" log=()
  shift 2
  # The measured run logs every transaction's latency (-l), so that the
  # report gives the database's own p50/p99 beside the API's: at a fixed
  # number of connections, no client of the database can answer faster
  # than the database itself does.
  case "$name" in *-warmup) ;; *) log=(-l --log-prefix "$results/pgbench-log-$name") ;; esac
  pgbench -n -M prepared -c "$connections" -j "$threads" -T "$seconds" "${log[@]}" \
    -D users="$users" -D tasks_per_user="$tasks_per_user" -D big_list="$big_list" \
    -D title='Benchmark task' -D description='Created by just bench-api' \
    -D due_at=2030-01-01T09:00:00Z "$@" "$db_url" >"$results/pgbench-$name.txt" 2>&1 &
  wait $! || die "pgbench $name failed: $(tail -5 "$results/pgbench-$name.txt")"
}
for scenario in "${scenarios[@]}"; do
  seed
  writes "$scenario" && seeded_clean=false
  case "$scenario" in
    mix) scripts=(-f "$here/pgbench-list.sql@60" -f "$here/pgbench-create.sql@30" -f "$here/pgbench-complete.sql@10") ;;
    *) scripts=(-f "$here/pgbench-$scenario.sql") ;;
  esac
  say "pgbench: $scenario, ${warmup} s warm-up + ${duration} s, $connections clients"
  pgbench_run "$scenario-warmup" "$warmup" "${scripts[@]}"
  pgbench_run "$scenario" "$duration" "${scripts[@]}"
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- Report -------------------------------------------------------------------------
BENCH_RESULTS="$results" BENCH_OUT="$out_dir/api.json" BENCH_DURATION="$duration" BENCH_WARMUP="$warmup" \
  BENCH_CONNECTIONS="$connections" BENCH_THREADS="$threads" BENCH_USERS="$users" \
  BENCH_TASKS_PER_USER="$tasks_per_user" BENCH_BIG_LIST="$big_list" BENCH_SCENARIOS="$(
    IFS=,
    echo "${scenarios[*]}"
  )" BENCH_LOAD_BEFORE="$load_before" BENCH_LOAD_AFTER="$load_after" \
  BENCH_STATEMENTS_CHECKED="$statements_checked" \
  BENCH_POOL="${DATABASE_MAX_CONNECTIONS:-10 (default)}" BENCH_POOLER="$pooler" BENCH_RUST_LOG="${RUST_LOG:-info (default)}" \
  BENCH_PG_VERSION="$(psql "$db_url" -qAt -c 'SHOW server_version')" \
  BENCH_COMMIT="$(git describe --always --dirty 2>/dev/null || echo unknown)" \
  node "$here/report.mjs"
say "done in ${SECONDS} s"
