# ops/lib/pg.sh: a throw-away PostgreSQL cluster (temp dir, 127.0.0.1, a free
# port, trust auth, fsync off), for scripts that source this file.
# Used by ops/test.sh and ops/bench.sh; the
# caller defines log() and die() and sets PG_ROLE, PG_SYSTEM_USER_FALLBACK.
# After start_cluster: PG_BINDIR, PG_PORT, PG_TMP are set; stop_cluster
# removes everything. As root the cluster runs as a non-root user.
# shellcheck shell=bash

PG_TMP=""
PG_STARTED=0
PG_RUN_AS=""
PG_BINDIR=""
PG_PORT=""

is_pg_bindir() {
    [ -n "$1" ] && [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]
}

find_pg_bindir() {
    local dir
    if [ -n "${TELEDERM_PG_BINDIR:-}" ]; then # validated by the caller
        printf '%s\n' "$TELEDERM_PG_BINDIR"
        return 0
    fi
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        if is_pg_bindir "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    # Newest version first (sort -V: 9.6 < 10 < 15 < 16).
    local candidates
    candidates="$(
        { ls -d /usr/lib/postgresql/*/bin /usr/pgsql-*/bin 2>/dev/null || true; } \
            | sort -rV
    )"
    while IFS= read -r dir; do
        if is_pg_bindir "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    done <<<"$candidates"
    if command -v initdb >/dev/null 2>&1; then
        dir="$(dirname "$(command -v initdb)")"
        if is_pg_bindir "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    return 1
}

# Run a PostgreSQL server command as the cluster owner, from inside the temp
# dir (the owner may not be allowed into the current directory).
as_pg() {
    if [ -z "$PG_RUN_AS" ]; then
        (cd "$PG_TMP" && exec "$@" 3>&-)
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$PG_TMP" && exec runuser -u "$PG_RUN_AS" -- "$@" 3>&-)
    else
        local cmd
        cmd="$(printf '%q ' "$@")"
        (cd "$PG_TMP" && exec su -s /bin/sh "$PG_RUN_AS" -c "$cmd" 3>&-)
    fi
}

# shellcheck disable=SC2317 # reached via the EXIT trap
stop_cluster() {
    [ -n "$PG_TMP" ] || return 0
    if [ "$PG_STARTED" = 1 ] && [ -f "$PG_TMP/data/postmaster.pid" ]; then
        local pid
        pid="$(head -n 1 "$PG_TMP/data/postmaster.pid" 2>/dev/null || true)"
        if ! as_pg "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate -w -t 30 \
            stop >/dev/null 2>&1; then
            # Last resort: kill the postmaster we started (by its pid).
            if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
                log "ops/lib/pg.sh: pg_ctl stop failed; killing postmaster $pid"
                kill -KILL "$pid" 2>/dev/null || true
                for _ in 1 2 3 4 5 6 7 8 9 10; do
                    kill -0 "$pid" 2>/dev/null || break
                    sleep 0.5
                done
            fi
        fi
    fi
    PG_STARTED=0
    rm -rf -- "$PG_TMP"
    PG_TMP=""
}

# Pick the non-root user that will own and run the cluster (root only).
pick_pg_user() {
    if getent passwd postgres >/dev/null 2>&1 || id -u postgres >/dev/null 2>&1; then
        PG_RUN_AS=postgres
        return 0
    fi
    if ! id -u "$PG_SYSTEM_USER_FALLBACK" >/dev/null 2>&1; then
        log "ops/lib/pg.sh: creating system user $PG_SYSTEM_USER_FALLBACK to run PostgreSQL"
        if command -v useradd >/dev/null 2>&1; then
            local shell=/usr/sbin/nologin # runuser/su -s do not need a login shell
            [ -x "$shell" ] || shell=/bin/false
            useradd --system --no-create-home --shell "$shell" \
                "$PG_SYSTEM_USER_FALLBACK" \
                || die "useradd $PG_SYSTEM_USER_FALLBACK failed"
        elif command -v adduser >/dev/null 2>&1; then # busybox/Alpine
            adduser -S -D -H "$PG_SYSTEM_USER_FALLBACK" \
                || die "adduser $PG_SYSTEM_USER_FALLBACK failed"
        else
            die "running as root, no 'postgres' user and no useradd/adduser" \
                "to create one; PostgreSQL cannot run as root"
        fi
    fi
    PG_RUN_AS=$PG_SYSTEM_USER_FALLBACK
}

# Create the temp dir. As root it must be reachable by $PG_RUN_AS (a private
# $TMPDIR such as /root/tmp is not), and the socket path must stay short.
make_pg_tmp() {
    local base
    for base in "${TMPDIR:-/tmp}" /tmp; do
        PG_TMP="$(mktemp -d "$base/telederm-pg.XXXXXX" 2>/dev/null)" || continue
        if [ "${#PG_TMP}" -gt 80 ]; then # unix socket paths max ~107 bytes
            rm -rf -- "$PG_TMP"
            PG_TMP=""
            continue
        fi
        if [ -n "$PG_RUN_AS" ]; then
            chown "$PG_RUN_AS" "$PG_TMP" || die "chown $PG_RUN_AS $PG_TMP failed"
            if ! as_pg test -w "$PG_TMP" 2>/dev/null; then
                rm -rf -- "$PG_TMP"
                PG_TMP=""
                continue
            fi
        fi
        return 0
    done
    die "could not create a temp dir usable by ${PG_RUN_AS:-$(id -un)}"
}

port_in_use() {
    # A successful TCP connect means something listens there.
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" >/dev/null 2>&1
}

# Print a free port, probing upwards from a random start in 20000..59999.
find_free_port() {
    local start=$((20000 + (RANDOM * 32768 + RANDOM) % 40000)) i port
    for ((i = 0; i < 200; i++)); do
        port=$((20000 + (start - 20000 + i) % 40000))
        if ! port_in_use "$port"; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    return 1
}

start_cluster() {
    if [ "$(id -u)" = 0 ]; then
        pick_pg_user
    fi
    make_pg_tmp

    log "PostgreSQL binaries: $PG_BINDIR; cluster in $PG_TMP${PG_RUN_AS:+ (run as user $PG_RUN_AS)}"
    if ! as_pg "$PG_BINDIR/initdb" -D "$PG_TMP/data" --auth=trust -U "$PG_ROLE" \
        --no-sync --no-locale --encoding=UTF8 >"$PG_TMP/initdb.log" 2>&1; then
        cat "$PG_TMP/initdb.log" >&2
        die "initdb failed"
    fi

    # Throw-away settings: durability off for speed, TCP on loopback only,
    # socket in our temp dir (not /var/run/postgresql), enough connections for
    # parallel tests that each open a pool against their own database.
    cat >>"$PG_TMP/data/postgresql.conf" <<EOF

# --- ops/lib/pg.sh throw-away cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMP'
max_connections = 400
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 30min
logging_collector = off
EOF

    # The port is probed free, but another process may grab it before the
    # server binds: retry a few times with a new port.
    local attempt
    for attempt in 1 2 3 4 5; do
        PG_PORT="$(find_free_port)" || die "no free TCP port found on 127.0.0.1"
        PG_STARTED=1
        if as_pg "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/postgres.log" \
            -o "-p $PG_PORT" -w -t 60 start >/dev/null 2>&1; then
            return 0
        fi
        PG_STARTED=0
        if grep -qi 'could not bind\|address already in use' "$PG_TMP/postgres.log" 2>/dev/null; then
            log "ops/lib/pg.sh: port $PG_PORT was taken (attempt $attempt), retrying"
            # Make sure no half-started server is left, then retry.
            stop_cluster_keep_dir
            : >"$PG_TMP/postgres.log"
            continue
        fi
        tail -n 30 "$PG_TMP/postgres.log" >&2 2>/dev/null || true
        die "pg_ctl start failed (server log above)"
    done
    die "could not start PostgreSQL on a free port after 5 attempts"
}

# Stop a possibly half-started server but keep the temp dir (start retry).
stop_cluster_keep_dir() {
    if [ -f "$PG_TMP/data/postmaster.pid" ]; then
        as_pg "$PG_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate -w -t 30 \
            stop >/dev/null 2>&1 || true
    fi
}

