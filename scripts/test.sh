#!/usr/bin/env bash
# Custos test entry point: `bash scripts/test.sh` (also what CI runs through .ci/run).
#
# Steps: check the Rust toolchain; provide a PostgreSQL for the storage conformance tests
# (CUSTOS_TEST_DATABASE_URL, see scripts/pg-test-server.sh); install Chromium + chromedriver when
# the browser tests need them; run all workspace tests (nextest if installed, else cargo test),
# the doc tests, and clippy with warnings denied. Debug builds only.
#
# Environment:
#   CUSTOS_TEST_DATABASE_URL=postgres://...  use this admin-capable database (no probing)
#   CUSTOS_TEST_PRIVATE_PG=1   always start a private throw-away cluster (ignores port 5432)
#   CUSTOS_TEST_PG_PORT=N      first port to try for the private cluster (default 54329)
#   CUSTOS_TEST_ONLY_DB=1      only provide the database: print its URL on stdout, create and drop
#                              a database in it, stop the private cluster (if any) and exit
#   CUSTOS_TEST_BROWSER=1      install Chromium + chromedriver even without crates/custos-web
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -f Cargo.toml && -d crates ]] || {
  printf 'test.sh: %s is not the Custos repository root\n' "$PWD" >&2
  exit 1
}

# shellcheck source=scripts/pg-test-server.sh
source scripts/pg-test-server.sh

STARTED=$SECONDS
CURRENT_STEP="start-up"
step() {
  CURRENT_STEP=$*
  custos_log "==> $* (+$((SECONDS - STARTED))s)"
}

on_exit() {
  local rc=$?
  custos_pg_cleanup
  if [[ $rc -ne 0 ]]; then
    custos_log "FAILED (exit $rc) during: $CURRENT_STEP, after $((SECONDS - STARTED))s"
  fi
}
# Stops a private PostgreSQL (if one was started) on any exit, including Ctrl-C and SIGTERM.
custos_pg_install_traps
CUSTOS_TRAPS_INSTALLED=1
trap on_exit EXIT

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1 && [[ -x $HOME/.cargo/bin/cargo ]]; then
    PATH="$HOME/.cargo/bin:$PATH"
  fi
  command -v cargo >/dev/null 2>&1 ||
    custos_die "cargo not found: install Rust (>= the workspace rust-version) with rustup, https://rustup.rs"
  custos_log "$(cargo --version)"
}

# Sets CLIPPY=1 when `cargo clippy` works (installing the component with rustup if needed).
CLIPPY=0
ensure_clippy() {
  if cargo clippy --version >/dev/null 2>&1; then
    CLIPPY=1
  elif command -v rustup >/dev/null 2>&1; then
    custos_log "clippy missing; installing it with rustup"
    rustup component add clippy >&2 && CLIPPY=1
  fi
  if [[ $CLIPPY -eq 0 ]]; then
    custos_warn "###############################################################"
    custos_warn "### clippy is NOT installed and rustup is not available:      ###"
    custos_warn "### the lint step will be SKIPPED. Install clippy to lint.    ###"
    custos_warn "###############################################################"
  fi
}

# ---- ensure_chromium -------------------------------------------------------------------------
# Browser tests (crates/custos-web) drive Debian's headless Chromium through chromedriver.
# Installs both when missing. Called only when CUSTOS_TEST_BROWSER=1 or crates/custos-web exists.
ensure_chromium() {
  if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]]; then
    custos_log "Chromium or chromedriver missing"
    custos_apt_install chromium chromium-driver
    [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] ||
      custos_die "chromium chromium-driver installed, but /usr/bin/chromium or /usr/bin/chromedriver is missing"
  fi
  custos_log "$(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: version unknown')"
  custos_log "$(/usr/bin/chromedriver --version 2>/dev/null | head -n 1 || echo 'chromedriver: version unknown')"
}
# ---- end ensure_chromium ---------------------------------------------------------------------

if [[ ${CUSTOS_TEST_ONLY_DB:-0} == 1 ]]; then
  step "database only (CUSTOS_TEST_ONLY_DB=1)"
  custos_ensure_test_database
  custos_pg_smoke_test
  exit 0
fi

step "toolchain"
ensure_rust
ensure_clippy
export RUST_BACKTRACE="${RUST_BACKTRACE:-1}"

if [[ ${CUSTOS_TEST_BROWSER:-0} == 1 || -d crates/custos-web ]]; then
  step "browser (Chromium + chromedriver)"
  ensure_chromium
fi

step "PostgreSQL for the storage conformance tests"
custos_ensure_test_database

if cargo nextest --version >/dev/null 2>&1; then
  step "tests: cargo nextest run --workspace --all-targets"
  cargo nextest run --workspace --all-targets --no-fail-fast --no-tests=warn
  step "doc tests: cargo test --workspace --doc"
  cargo test --workspace --doc --no-fail-fast
else
  step "tests: cargo test --workspace --all-targets (cargo-nextest not installed)"
  cargo test --workspace --all-targets --no-fail-fast
  step "doc tests: cargo test --workspace --doc"
  cargo test --workspace --doc --no-fail-fast
fi

if [[ $CLIPPY -eq 1 ]]; then
  step "lint: cargo clippy --workspace --all-targets -- -D warnings"
  cargo clippy --workspace --all-targets -- -D warnings
else
  custos_warn "clippy SKIPPED (not installed, no rustup)"
fi

step "all checks passed"
