#!/usr/bin/env bash
# PostgreSQL for the Custos storage conformance tests.
#
# Provides CUSTOS_TEST_DATABASE_URL: a URL to an admin-capable database from which the tests
# CREATE and DROP throw-away databases. In order of preference:
#   1. CUSTOS_TEST_DATABASE_URL, if already set;
#   2. a server on 127.0.0.1:5432 that accepts a password-less (trusted) connection whose role may
#      CREATE DATABASE (users `postgres`, then the current user; databases `postgres`, then `test`);
#   3. a PRIVATE throw-away cluster: initdb into a temp dir as a non-root user (`custos-pg` when run
#      as root), trust auth, fsync off, on a free port from 54329 (CUSTOS_TEST_PG_PORT), unix
#      socket in the temp dir. It is stopped and its dir removed when the shell exits (also on
#      Ctrl-C, SIGTERM and failure). The server binaries are installed with apt if missing.
# CUSTOS_TEST_PRIVATE_PG=1 forces path 3 (it never touches a system cluster).
#
# Use:
#   source scripts/pg-test-server.sh && custos_ensure_test_database   # from another script
#   bash scripts/pg-test-server.sh [COMMAND...]  # run COMMAND with the URL exported; without a
#                                                # command: print the URL and smoke-test it
#
# Safety: this script never stops, reconfigures or removes a system PostgreSQL, and never
# writes under /etc/postgresql or /var/lib/postgresql.

CUSTOS_PG_USER="${CUSTOS_PG_USER:-custos-pg}"
CUSTOS_PG_DIR=""         # temp dir of the private cluster, "" when none was started
CUSTOS_PG_BINDIR=""      # e.g. /usr/lib/postgresql/15/bin
CUSTOS_PG_CLEANED=0

custos_log() { printf '[custos-test] %s\n' "$*" >&2; }
custos_warn() { printf '[custos-test] WARNING: %s\n' "$*" >&2; }
custos_die() {
  printf '[custos-test] ERROR: %s\n' "$*" >&2
  exit 1
}

# Hide a password in a URL before printing it.
custos_redact_url() { sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#' <<<"$1"; }

# apt-get install PACKAGE..., as root or through sudo; runs `apt-get update` and retries once if
# the first attempt fails (a fresh machine has empty package lists). Output goes to stderr.
custos_apt_install() {
  local -a sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || custos_die "need root or sudo to install: $*"
    sudo=(sudo)
  fi
  command -v apt-get >/dev/null 2>&1 || custos_die "apt-get not found; install by hand: $*"
  custos_log "installing with apt-get: $*"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "$@" >&2; then
    custos_log "apt-get install failed; running apt-get update and retrying"
    "${sudo[@]}" apt-get update >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "$@" >&2
  fi
}

# Succeeds when URL accepts a connection without a password prompt and its role may create
# databases.
custos_pg_url_is_admin() {
  local out
  command -v psql >/dev/null 2>&1 || return 1
  out=$(PGCONNECT_TIMEOUT=5 psql -X -w -A -t -q -d "$1" \
    -c 'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' \
    2>/dev/null) || return 1
  [[ $out == t ]]
}

# Prints the URL of a usable trusted server on 127.0.0.1:5432, or fails.
custos_pg_probe_existing() {
  local user db url
  if ! command -v psql >/dev/null 2>&1; then
    custos_log "psql not installed; not probing 127.0.0.1:5432"
    return 1
  fi
  if command -v pg_isready >/dev/null 2>&1 &&
    ! pg_isready -q -h 127.0.0.1 -p 5432 -t 3 >/dev/null 2>&1; then
    custos_log "no PostgreSQL answering on 127.0.0.1:5432"
    return 1
  fi
  for user in postgres "$(id -un)"; do
    for db in postgres test; do
      url="postgres://${user}@127.0.0.1:5432/${db}"
      if custos_pg_url_is_admin "$url"; then
        printf '%s\n' "$url"
        return 0
      fi
    done
  done
  custos_log "127.0.0.1:5432 answers but accepts no trusted admin connection (users postgres, $(id -un))"
  return 1
}

custos_pg_find_bindir() {
  local d
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [[ -n $d && -x $d/initdb && -x $d/pg_ctl ]] || return 1
  CUSTOS_PG_BINDIR=$d
}

# Runs a command as the (non-root) owner of the private cluster, from inside its dir so that
# the server user never needs access to the caller's cwd.
custos_pg_as_owner() {
  if [[ $(id -u) -ne 0 ]]; then
    (cd "$CUSTOS_PG_DIR" && "$@")
  elif command -v runuser >/dev/null 2>&1; then
    (cd "$CUSTOS_PG_DIR" && runuser -u "$CUSTOS_PG_USER" -- "$@")
  else
    (cd "$CUSTOS_PG_DIR" && su -s /bin/bash "$CUSTOS_PG_USER" -c "$(printf '%q ' "$@")")
  fi
}

custos_pg_ensure_owner() {
  [[ $(id -u) -eq 0 ]] || return 0
  id -u "$CUSTOS_PG_USER" >/dev/null 2>&1 && return 0
  custos_log "creating system user $CUSTOS_PG_USER to own the private cluster"
  # A parallel run may create it at the same time: re-check rather than trust useradd's status.
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$CUSTOS_PG_USER" >&2 || true
  id -u "$CUSTOS_PG_USER" >/dev/null 2>&1 || custos_die "could not create user $CUSTOS_PG_USER"
}

# Succeeds when something accepts TCP connections on 127.0.0.1:PORT.
custos_port_busy() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Stops the private cluster and removes its dir. Safe to call more than once, never fails.
custos_pg_cleanup() {
  [[ $CUSTOS_PG_CLEANED -eq 0 && -n $CUSTOS_PG_DIR ]] || return 0
  CUSTOS_PG_CLEANED=1
  local pid=""
  if [[ -f $CUSTOS_PG_DIR/data/postmaster.pid ]]; then
    pid=$(head -n 1 "$CUSTOS_PG_DIR/data/postmaster.pid" 2>/dev/null) || pid=""
    custos_log "stopping private PostgreSQL (pid ${pid:-?})"
    custos_pg_as_owner "$CUSTOS_PG_BINDIR/pg_ctl" -D "$CUSTOS_PG_DIR/data" -m immediate -w -t 30 \
      stop >/dev/null 2>&1 || true
    # Belt and braces: never leave our postmaster behind (only ever this pid, never by name).
    if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
      [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres ]]; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  case $CUSTOS_PG_DIR in
  /tmp/custos-pg.*) rm -rf -- "$CUSTOS_PG_DIR" ;;
  esac
  custos_log "removed $CUSTOS_PG_DIR"
}

# Turn Ctrl-C / SIGTERM / SIGHUP into an ordinary exit so that the EXIT trap cleans up.
# A caller with its own EXIT trap sets CUSTOS_TRAPS_INSTALLED=1 and calls custos_pg_cleanup from it.
custos_pg_install_traps() {
  [[ ${CUSTOS_TRAPS_INSTALLED:-0} -eq 0 ]] || return 0
  CUSTOS_TRAPS_INSTALLED=1
  trap custos_pg_cleanup EXIT
  trap 'custos_log "interrupted"; exit 130' INT
  trap 'custos_log "terminated"; exit 143' TERM
  trap 'custos_log "hang-up"; exit 129' HUP
}

custos_pg_start_private() {
  local port="${CUSTOS_TEST_PG_PORT:-54329}" last tries=0 locale_opt=(--no-locale)
  if ! custos_pg_find_bindir; then
    custos_log "PostgreSQL server binaries not found under /usr/lib/postgresql"
    custos_apt_install postgresql
    custos_pg_find_bindir || custos_die "postgresql installed but no /usr/lib/postgresql/*/bin/initdb"
  fi
  custos_pg_ensure_owner
  custos_pg_install_traps
  # Fixed short parent: the unix socket path must stay under ~100 bytes.
  CUSTOS_PG_DIR=$(mktemp -d /tmp/custos-pg.XXXXXX)
  [[ $(id -u) -ne 0 ]] || chown "$CUSTOS_PG_USER:$CUSTOS_PG_USER" "$CUSTOS_PG_DIR"
  if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale_opt=(--locale=C.UTF-8); fi
  custos_log "initdb ($CUSTOS_PG_BINDIR) into $CUSTOS_PG_DIR/data"
  custos_pg_as_owner "$CUSTOS_PG_BINDIR/initdb" -D "$CUSTOS_PG_DIR/data" -U postgres \
    --auth=trust -E UTF8 "${locale_opt[@]}" --no-sync >"$CUSTOS_PG_DIR/initdb.log" 2>&1 || {
    cat "$CUSTOS_PG_DIR/initdb.log" >&2
    custos_die "initdb failed"
  }
  while :; do
    tries=$((tries + 1))
    [[ $tries -le 20 ]] || custos_die "no free port for the private PostgreSQL (tried 20 from ${CUSTOS_TEST_PG_PORT:-54329})"
    if custos_port_busy "$port"; then
      custos_log "port $port is busy; trying $((port + 1))"
      port=$((port + 1))
      continue
    fi
    custos_log "starting private PostgreSQL on 127.0.0.1:$port"
    if custos_pg_as_owner "$CUSTOS_PG_BINDIR/pg_ctl" -D "$CUSTOS_PG_DIR/data" -w -t 60 \
      -l "$CUSTOS_PG_DIR/server.log" \
      -o "-p $port -k $CUSTOS_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null 2>&1; then
      break
    fi
    last=$(tail -n 5 "$CUSTOS_PG_DIR/server.log" 2>/dev/null || true)
    if grep -qiE 'could not (bind|create any TCP/IP)|address already in use' <<<"$last"; then
      # Lost a race for the port (or it is bound but not listening): try the next one.
      custos_log "port $port could not be bound; trying $((port + 1))"
      : >"$CUSTOS_PG_DIR/server.log"
      port=$((port + 1))
      continue
    fi
    printf '%s\n' "$last" >&2
    custos_die "private PostgreSQL failed to start (log above)"
  done
  CUSTOS_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:${port}/postgres"
}

# Sets and exports CUSTOS_TEST_DATABASE_URL (see the top of this file).
custos_ensure_test_database() {
  local url
  if [[ ${CUSTOS_TEST_PRIVATE_PG:-0} == 1 ]]; then
    [[ -z ${CUSTOS_TEST_DATABASE_URL:-} ]] ||
      custos_log "CUSTOS_TEST_PRIVATE_PG=1: ignoring the CUSTOS_TEST_DATABASE_URL already set"
    custos_log "CUSTOS_TEST_PRIVATE_PG=1: starting a private throw-away cluster"
    custos_pg_start_private
  elif [[ -n ${CUSTOS_TEST_DATABASE_URL:-} ]]; then
    custos_log "using CUSTOS_TEST_DATABASE_URL from the environment"
  elif url=$(custos_pg_probe_existing); then
    custos_log "using the existing PostgreSQL on 127.0.0.1:5432"
    CUSTOS_TEST_DATABASE_URL=$url
  else
    custos_log "starting a private throw-away PostgreSQL cluster"
    custos_pg_start_private
  fi
  export CUSTOS_TEST_DATABASE_URL
  custos_log "CUSTOS_TEST_DATABASE_URL=$(custos_redact_url "$CUSTOS_TEST_DATABASE_URL")"
}

# Prints the URL on stdout and checks that it can CREATE and DROP a database.
custos_pg_smoke_test() {
  local name="custos_probe_$$_${RANDOM}"
  command -v psql >/dev/null 2>&1 || custos_die "psql not installed; cannot smoke-test the database"
  printf '%s\n' "$CUSTOS_TEST_DATABASE_URL"
  custos_log "smoke test: create and drop database $name"
  PGCONNECT_TIMEOUT=10 psql -X -w -q -v ON_ERROR_STOP=1 -d "$CUSTOS_TEST_DATABASE_URL" \
    -c "create database $name" -c "drop database $name" >&2 ||
    custos_die "cannot create/drop a database via $(custos_redact_url "$CUSTOS_TEST_DATABASE_URL")"
  custos_log "smoke test passed"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  custos_ensure_test_database
  if [[ $# -eq 0 ]]; then
    custos_pg_smoke_test
  else
    custos_log "running: $*"
    "$@"
  fi
fi
