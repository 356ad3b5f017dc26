#!/usr/bin/env bash
# `just fuzz [SECONDS]` and `just fuzz-ci`: builds the cargo-fuzz targets in
# fuzz/ (libFuzzer, AddressSanitizer, release with debug assertions and
# overflow checks) and runs each for SECONDS (default 60):
#   jwt_token   crates/adapters-jwt: token header, HS256 signature, claims
#   cursor      crates/api-actix/src/wire/cursor.rs: the pagination cursor
#   list_query  crates/api-actix/src/wire/list_query.rs: the list's query string
#   task_body   crates/api-actix/src/wire/task_input.rs: task request bodies
# FUZZ_TARGETS="cursor task_body" runs only those. A crash, panic or leak
# stops the run with the input saved in fuzz/artifacts/<target>/; replay it
# with `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>`.
#
# The hand-written seeds in fuzz/corpus/<target>/ are read, never written:
# what the fuzzer learns goes to fuzz/target/corpus/<target>/ (git-ignored),
# so later runs on the same machine start from it.
#
# cargo-fuzz is installed when missing (`cargo install`, ~45 s on 2 cores).
# It needs nightly-only flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# pinned in rust-toolchain.toml accept them.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-60}"
targets="${FUZZ_TARGETS:-jwt_token cursor list_query task_body}"
cargo_fuzz_version="0.13.2"

[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: SECONDS must be a positive integer, got '$seconds'" >&2; exit 2; }

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz $cargo_fuzz_version" >&2
  cargo install --locked "cargo-fuzz@$cargo_fuzz_version"
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

export RUSTC_BOOTSTRAP=1
cd "$root/fuzz"
# 16 codegen units instead of cargo-fuzz's 1: the build (every dependency
# of api-actix and adapters-jwt, instrumented) is what costs time here.
build_flags=(--codegen-units 16)
cargo fuzz build "${build_flags[@]}"
for target in $targets; do
  echo "==> fuzz $target for ${seconds} s" >&2
  mkdir -p "target/corpus/$target" "artifacts/$target"
  # -timeout: one input taking over 10 s is a hang. -rss_limit_mb bounds
  # memory on a shared machine. -print_final_stats: executions, coverage.
  log="target/fuzz-$target.log"
  if ! cargo fuzz run "${build_flags[@]}" "$target" "target/corpus/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=16384 \
    -print_final_stats=1 >"$log" 2>&1; then
    tail -n 80 "$log" >&2
    echo "fuzz: $target FAILED; the input is in fuzz/artifacts/$target/, the log in fuzz/$log" >&2
    exit 1
  fi
  grep -E '^#[0-9]+ +DONE|^stat::(number_of_executed_units|peak_rss_mb)' "$log" >&2 || true
done
echo "fuzz: no crash in: $targets (${seconds} s each)" >&2
