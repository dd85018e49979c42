#!/usr/bin/env bash
# ops/test.sh: run the WHOLE telederm test suite, non-interactively.
#
# Each phase's cargo runs with TELEDERM_TEST_PHASE=sqlite or postgres.
#
# Phase 1 (SQLite, always):
#     cargo test --workspace [--locked]
# Phase 2 (PostgreSQL):
#     starts a throw-away PostgreSQL cluster (temp dir, 127.0.0.1 only, a free
#     port, trust auth, fsync off), then runs
#     TELEDERM_TEST_DATABASE_URL=postgres://telederm@127.0.0.1:PORT/postgres \
#         cargo test -p telederm-tests -p telederm-cli [--locked]
#     (the HTTP suite and the CLI's story against the real server), then
#     cargo test -p telederm-server --test binary [--locked]
#     (the binary as an operator runs it: backup and restore with pg_dump and
#     pg_restore, and the tests that start several instances on one database:
#     they skip without it, or fail when TELEDERM_REQUIRE_POSTGRES=1 outside the
#     SQLite phase)
#     The tests create a fresh database per test from that admin URL. The
#     cluster is always stopped and its temp dir removed at the end, also on
#     failure, Ctrl-C or SIGTERM. (A SIGTERM sent to this script's pid alone
#     takes effect when the running test command returns, as bash waits for
#     it; Ctrl-C or a signal to the whole process group stops at once.)
#
# --locked is used when Cargo.lock exists. Any arguments to this script are
# passed to both `cargo test` runs (e.g. `ops/test.sh -- --nocapture`).
#
# Phase 2 runs even when phase 1 failed, so both halves always report; the
# script then exits non-zero. Exit status: 0 only if every phase that ran
# passed (a skipped PostgreSQL phase does not fail the run unless required).
#
# PostgreSQL server binaries are looked up in this order: $TELEDERM_PG_BINDIR,
# `pg_config --bindir`, the newest /usr/lib/postgresql/*/bin, the newest
# /usr/pgsql-*/bin, then initdb on $PATH. A directory counts only if it holds
# initdb, pg_ctl and postgres. If none is found the PostgreSQL phase is
# SKIPPED with a banner, unless TELEDERM_REQUIRE_POSTGRES=1.
#
# initdb and postgres refuse to run as root. When this script runs as root
# (CI does), the cluster is owned by and run as a non-root user: the existing
# `postgres` system user if present, else a dedicated system user
# `telederm-pg` (created with `useradd --system --no-create-home`). The tests
# themselves still run as the invoking user and connect over TCP.
#
# Browser tests (the `web` test binary of telederm-tests) drive Debian's Chromium
# through chromedriver, and scan pages with axe-core, in both phases. Before
# phase 1 this script:
#   - installs the `chromium` and `chromium-driver` packages with apt-get when
#     `chromium` or `chromedriver` is missing and it runs as root (CI does);
#   - installs axe-core 4 from npm into target/npm (outside the sources, kept
#     between runs) when it is not there yet, and passes its path to the tests
#     as TELEDERM_AXE_JS.
# What is still missing then makes the browser tests skip with a message, or
# fail when TELEDERM_REQUIRE_BROWSER=1 (or CI is set: the tests read both).
# Screenshots go to target/ui-screenshots/.
#
# SMTP tests send mail to a real SMTP server, tests/smtp/sink.py (aiosmtpd),
# in both phases. Before phase 1 this script makes a Python virtualenv at
# target/tools/smtp-venv (`python3 -m venv`, kept between runs) and installs
# aiosmtpd 1.4.6 from PyPI into it when it is not there yet, then passes its
# interpreter to the tests as TELEDERM_SMTP_PYTHON (replacing the caller's).
# Without it the SMTP tests skip with a message, or fail when
# TELEDERM_REQUIRE_SMTP=1 (or CI is set).
#
# S3 tests keep photos in a real S3-protocol server, moto's server mode
# (tests/s3/moto_server.py, one process per test binary on 127.0.0.1 and a free
# port, one bucket per test), in both phases. Before phase 1 this script makes
# a Python virtualenv at target/tools/s3-venv (kept between runs) and installs
# moto[server] 5.2.1 from PyPI into it when it is not there yet, then passes its
# interpreter to the tests as TELEDERM_S3_PYTHON (replacing the caller's).
# Without it the S3 tests skip with a message, or fail when TELEDERM_REQUIRE_S3=1
# (or CI is set).
#
# Environment:
#   TELEDERM_REQUIRE_BROWSER=1   Chromium, chromedriver and axe-core must be
#                                there (installed by this script if need be),
#                                or the run fails. (.ci/run sets it.)
#   TELEDERM_REQUIRE_SMTP=1      the Python with aiosmtpd must be there
#                                (installed by this script if need be), or
#                                the run fails. (.ci/run sets it.)
#   TELEDERM_REQUIRE_S3=1        the Python with moto[server] must be there
#                                (installed by this script if need be), or
#                                the run fails. (.ci/run sets it.)
#   TELEDERM_REQUIRE_POSTGRES=1  the PostgreSQL phase must run: if no server
#                                binaries are found and we are root with
#                                apt-get, install the `postgresql` package and
#                                retry; if still none, fail. (.ci/run sets it.)
#   TELEDERM_PG_BINDIR=DIR       use the PostgreSQL server binaries in DIR.
#   TELEDERM_TEST_CMD_OVERRIDE   FOR TESTING THIS SCRIPT ONLY: a bash command
#                                run (via `bash -c`) instead of cargo in each
#                                phase. It sees TELEDERM_TEST_PHASE=sqlite or
#                                postgres and, in the PostgreSQL phase,
#                                TELEDERM_TEST_DATABASE_URL. Example:
#     TELEDERM_TEST_CMD_OVERRIDE='[ "$TELEDERM_TEST_PHASE" = sqlite ] ||
#         psql "$TELEDERM_TEST_DATABASE_URL" -c "select 1"' ops/test.sh
#
# TELEDERM_TEST_DATABASE_URL from the caller's environment is ignored: phase 1
# always runs without it, phase 2 always uses the throw-away cluster.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
unset TELEDERM_TEST_DATABASE_URL

PG_ROLE=telederm                 # superuser created by initdb -U
PG_SYSTEM_USER_FALLBACK=telederm-pg

SQLITE_RESULT="not run"
PG_RESULT="not run"
CURRENT_PHASE=""   # sqlite|postgres while a phase runs: marked on Ctrl-C

# fd 3 = the script's original stderr. Traps run inside whatever redirection
# was active when the signal arrived (e.g. `initdb >initdb.log 2>&1`), so they
# restore stderr from fd 3 before printing. Children get fd 3 closed.
exec 3>&2
log() { printf '%s\n' "$*" >&2; }
header() { log ""; log "== telederm tests: $* =="; }
die() {
    log "ops/test.sh: ERROR: $*"
    exit 1
}

# The throw-away cluster (PG_TMP, PG_STARTED, PG_RUN_AS, PG_BINDIR, PG_PORT; find_pg_bindir,
# start_cluster, stop_cluster, ...), shared with ops/bench.sh.
# shellcheck source=ops/lib/pg.sh
source "$REPO_ROOT/ops/lib/pg.sh"

# ---------------------------------------------------------------- cluster helpers, cleanup, traps

# shellcheck disable=SC2317 # reached via the EXIT trap
summary() {
    log ""
    log "== telederm tests: summary =="
    log "   SQLite:     $SQLITE_RESULT"
    log "   PostgreSQL: $PG_RESULT"
}

# shellcheck disable=SC2317 # reached via the EXIT trap
on_exit() {
    local status=$?
    exec 2>&3
    # Ignore further Ctrl-C / TERM so cleanup itself is not cut short.
    trap '' INT TERM
    trap - EXIT
    stop_cluster
    summary
    exit "$status"
}
trap on_exit EXIT
# shellcheck disable=SC2317 # reached via the INT/TERM traps
on_signal() {
    exec 2>&3
    log ""
    log "ops/test.sh: interrupted by $1, cleaning up"
    case "$CURRENT_PHASE" in
        sqlite) SQLITE_RESULT="INTERRUPTED by $1" ;;
        postgres) PG_RESULT="INTERRUPTED by $1" ;;
    esac
    exit "$2"
}
trap 'on_signal SIGINT 130' INT
trap 'on_signal SIGTERM 143' TERM

# ---------------------------------------------------------------- test runs

LOCKED=()
if [ -f Cargo.lock ]; then
    LOCKED=(--locked)
fi

# run_tests PHASE CARGO-ARGS... -- passes the script's own args after them.
run_tests() {
    local phase=$1
    shift
    if [ -n "${TELEDERM_TEST_CMD_OVERRIDE:-}" ]; then
        log "(TELEDERM_TEST_CMD_OVERRIDE set: running it instead of cargo)"
        TELEDERM_TEST_PHASE="$phase" bash -c "$TELEDERM_TEST_CMD_OVERRIDE" \
            test.sh-override ${SCRIPT_ARGS[@]+"${SCRIPT_ARGS[@]}"} 3>&-
    else
        TELEDERM_TEST_PHASE="$phase" cargo "$@" ${LOCKED[@]+"${LOCKED[@]}"} \
            ${SCRIPT_ARGS[@]+"${SCRIPT_ARGS[@]}"} 3>&-
    fi
}

SCRIPT_ARGS=("$@")

# ---------------------------------------------------------------- PostgreSQL

install_postgres() {
    log "ops/test.sh: no PostgreSQL server binaries found; TELEDERM_REQUIRE_POSTGRES=1," \
        "installing the 'postgresql' package with apt-get"
    apt-get update -qq 3>&- \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null 3>&-
}

# ---------------------------------------------------------------- browser

AXE_PREFIX="$REPO_ROOT/target/npm"
AXE_JS="$AXE_PREFIX/node_modules/axe-core/axe.min.js"
AXE_VERSION=4

has_browser() {
    command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1
}

install_browser() {
    log "ops/test.sh: chromium or chromedriver missing; installing the 'chromium' and" \
        "'chromium-driver' packages with apt-get"
    apt-get update -qq 3>&- \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver \
            </dev/null 3>&-
}

install_axe() {
    log "ops/test.sh: installing axe-core@$AXE_VERSION from npm into target/npm"
    mkdir -p "$AXE_PREFIX"
    npm install --prefix "$AXE_PREFIX" --no-audit --no-fund --silent \
        "axe-core@$AXE_VERSION" </dev/null 3>&-
}

# browser_missing WHAT: fail when the browser tests are required, else say they will skip.
browser_missing() {
    if [ "${TELEDERM_REQUIRE_BROWSER:-0}" = 1 ]; then
        die "TELEDERM_REQUIRE_BROWSER=1 but $1"
    fi
    log "ops/test.sh: $1: the browser tests that need it will SKIP"
}

if ! has_browser && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    install_browser || log "ops/test.sh: apt-get install chromium chromium-driver failed"
fi
if ! has_browser; then
    browser_missing "chromium or chromedriver is missing (install Debian's chromium and chromium-driver)"
fi
if [ ! -f "$AXE_JS" ] && command -v npm >/dev/null 2>&1; then
    install_axe || log "ops/test.sh: npm install axe-core@$AXE_VERSION failed"
fi
if [ -f "$AXE_JS" ]; then
    export TELEDERM_AXE_JS="$AXE_JS"
else
    browser_missing "axe-core is missing ($AXE_JS; npm install --prefix target/npm axe-core@$AXE_VERSION)"
fi

# ---------------------------------------------------------------- Python test servers

# provide_venv NAME SPEC CHECK VAR REQUIRED: target/tools/NAME-venv with pip's SPEC installed,
# exported as VAR (its python). CHECK is Python that exits 0 when the right version is there; a
# venv left half made (or with another version) is made anew. Without it the tests that need it
# skip, unless REQUIRED is 1.
provide_venv() {
    local name=$1 spec=$2 check=$3 var=$4 required=$5
    local venv="$REPO_ROOT/target/tools/$name-venv"
    if ! "$venv/bin/python" -c "$check" >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
        log "ops/test.sh: installing $spec from PyPI into target/tools/$name-venv"
        { rm -rf "$venv" && python3 -m venv "$venv" </dev/null 3>&- \
            && "$venv/bin/python" -m pip install --quiet "$spec" </dev/null 3>&-; } \
            || log "ops/test.sh: installing $spec failed"
    fi
    if "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
        export "$var=$venv/bin/python"
        return 0
    fi
    unset "$var"
    [ "$required" != 1 ] || die "$spec is required here but could not be installed" \
        "($venv: needs python3 with its venv module, and PyPI)"
    log "ops/test.sh: no Python with $spec: the tests that need it will SKIP"
}

# The SMTP sink (tests/smtp/sink.py) and the S3 server (tests/s3/moto_server.py).
AIOSMTPD_VERSION=1.4.6
MOTO_VERSION=5.2.1
provide_venv smtp "aiosmtpd==$AIOSMTPD_VERSION" \
    "import sys, aiosmtpd; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" \
    TELEDERM_SMTP_PYTHON "${TELEDERM_REQUIRE_SMTP:-0}"
provide_venv s3 "moto[server]==$MOTO_VERSION" \
    "import sys, moto, moto.server; sys.exit(moto.__version__ != '$MOTO_VERSION')" \
    TELEDERM_S3_PYTHON "${TELEDERM_REQUIRE_S3:-0}"

# ---------------------------------------------------------------- phase 1

header "SQLite"
SQLITE_RESULT="did not finish"
SQLITE_STATUS=0
CURRENT_PHASE=sqlite
run_tests sqlite test --workspace || SQLITE_STATUS=$?
CURRENT_PHASE=""
if [ "$SQLITE_STATUS" = 0 ]; then
    SQLITE_RESULT="passed"
else
    SQLITE_RESULT="FAILED (exit $SQLITE_STATUS)"
    log "ops/test.sh: SQLite phase failed (exit $SQLITE_STATUS); running the" \
        "PostgreSQL phase anyway so both halves report"
fi

# ---------------------------------------------------------------- phase 2

PG_BINDIR=""
PG_PORT=""
PG_INSTALL_TRIED=0
if [ -n "${TELEDERM_PG_BINDIR:-}" ] && ! is_pg_bindir "$TELEDERM_PG_BINDIR"; then
    PG_RESULT="FAILED (bad TELEDERM_PG_BINDIR)"
    die "TELEDERM_PG_BINDIR=$TELEDERM_PG_BINDIR does not hold initdb, pg_ctl and postgres"
fi
if ! PG_BINDIR="$(find_pg_bindir)"; then
    PG_BINDIR=""
    if [ "${TELEDERM_REQUIRE_POSTGRES:-0}" = 1 ] && [ "$(id -u)" = 0 ] \
        && command -v apt-get >/dev/null 2>&1; then
        PG_INSTALL_TRIED=1
        if install_postgres; then
            PG_BINDIR="$(find_pg_bindir)" || PG_BINDIR=""
        else
            log "ops/test.sh: apt-get install postgresql failed"
        fi
    fi
fi

if [ -z "$PG_BINDIR" ]; then
    if [ "${TELEDERM_REQUIRE_POSTGRES:-0}" = 1 ]; then
        PG_RESULT="FAILED (no PostgreSQL server binaries, but TELEDERM_REQUIRE_POSTGRES=1)"
        log ""
        log "ops/test.sh: ERROR: TELEDERM_REQUIRE_POSTGRES=1 but no PostgreSQL server"
        log "binaries (initdb, pg_ctl, postgres) were found."
        if [ "$PG_INSTALL_TRIED" = 1 ]; then
            log "Installing the 'postgresql' package with apt-get did not provide them."
        else
            log "Automatic install needs root and apt-get, so none was attempted."
        fi
        log "Install postgresql, or set TELEDERM_PG_BINDIR to its bin directory."
        exit 1
    fi
    PG_RESULT="SKIPPED (no PostgreSQL server binaries found)"
    log ""
    log "###############################################################################"
    log "#"
    log "#  PostgreSQL half SKIPPED: no PostgreSQL server binaries found (install postgresql to run it)"
    log "#"
    log "###############################################################################"
    exit "$SQLITE_STATUS"
fi

PG_RESULT="FAILED (could not start the throw-away cluster)"
CURRENT_PHASE=postgres
start_cluster

header "PostgreSQL (port $PG_PORT)"
PG_RESULT="did not finish"
PG_STATUS=0
export TELEDERM_TEST_DATABASE_URL="postgres://$PG_ROLE@127.0.0.1:$PG_PORT/postgres"
run_tests postgres test -p telederm-tests -p telederm-cli || PG_STATUS=$?
# The server binary's tests: several instances on this cluster, backup and restore through
# pg_dump and pg_restore. Skipped when the arguments pick other test targets (--test repo...),
# which that binary does not have; a plain name filter passes on to it.
if ! printf '%s\n' ${SCRIPT_ARGS[@]+"${SCRIPT_ARGS[@]}"} | grep -qxE -- '--(test|lib|bin|bins|tests|package)|-p'; then
    run_tests postgres test -p telederm-server --test binary || PG_STATUS=$?
fi
CURRENT_PHASE=""
if [ "$PG_STATUS" = 0 ]; then
    PG_RESULT="passed"
else
    PG_RESULT="FAILED (exit $PG_STATUS)"
    log ""
    log "---- last 30 lines of the PostgreSQL server log ----"
    tail -n 30 "$PG_TMP/postgres.log" >&2 2>/dev/null || true
fi

if [ "$SQLITE_STATUS" != 0 ] || [ "$PG_STATUS" != 0 ]; then
    exit 1
fi
exit 0
