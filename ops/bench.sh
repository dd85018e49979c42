#!/usr/bin/env bash
# ops/bench.sh: load figures for issue 15 (the "before"), one command, about
# 6-9 minutes on 2 cores once the release build is there. Not part of the suite.
#
#   builds release; installs wrk (apt, as root) if absent; then, for SQLite and
#   then a throw-away PostgreSQL cluster (ops/lib/pg.sh; skipped when no
#   server binaries), starts `telederm-server serve --demo` on a free port with
#   a fresh data folder, seeds users, territories and rota through the API, and
#   runs the scenarios below with wrk. Prints a table (throughput, p50, p99,
#   peak RSS, goal) and writes target/bench/results.json.
#
# BENCH_BIN=PATH runs that server binary instead of building this checkout's (e.g. an older
# commit's, for a before/after table; BENCH_REPORT_SEED=FILE then seeds the report scenario
# with that commit's seed-reports.sql, as its schema expects).
# BENCH_ONLY=REGEX runs only the scenarios whose name matches (e.g. BENCH_ONLY=queue).
# Runs are short (BENCH_SECS, default 10 s per scenario; claim-next runs until
# BENCH_CLAIMS, default 10000, claims are made): figures are
# indicative, not statistically tight. Peak RSS is the server's VmHWM, reset
# before each scenario (clear_refs, when allowed; otherwise since start).
# The report scenario (PostgreSQL only) seeds BENCH_REPORT_CASES cases with SQL
# (ops/lib/seed-reports.sql) and reads the SLA report over all of them.
# The queue is seeded through the real API (submissions with a 5 KB photo from
# 20 GPs of 20 territories) up to BENCH_QUEUE_CASES (10000), polled with SQL.
# Photos: fixtures/lesion-gps.jpg (73 KB); the ~4 MB 12 MP phone JPEG is
# ../shared/corpus/jpeg-phone/exiv2__exiv2-bug2565.jpg, or BENCH_BIG_PHOTO;
# without one, the 4 MB scenarios are skipped.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
unset TELEDERM_TEST_DATABASE_URL
log() { printf '%s\n' "$*" >&2; }
die() {
    log "ops/bench.sh: ERROR: $*"
    exit 1
}
PG_ROLE=telederm
PG_SYSTEM_USER_FALLBACK=telederm-pg
# shellcheck source=ops/lib/pg.sh
. "$REPO_ROOT/ops/lib/pg.sh"

SECS="${BENCH_SECS:-10}"
CLAIMS="${BENCH_CLAIMS:-10000}"
QUEUE_CASES="${BENCH_QUEUE_CASES:-10000}"
REPORT_CASES="${BENCH_REPORT_CASES:-1000000}"
OUT_DIR="$REPO_ROOT/target/bench"
BIN="${BENCH_BIN:-$REPO_ROOT/target/release/telederm-server}"
REPORT_SEED="${BENCH_REPORT_SEED:-$REPO_ROOT/ops/lib/seed-reports.sql}"
LUA="$REPO_ROOT/ops/lib/load.lua"
PASSWORD="bench-password-1234"
BIG_PHOTO="${BENCH_BIG_PHOTO:-$REPO_ROOT/../shared/corpus/jpeg-phone/exiv2__exiv2-bug2565.jpg}"
WORK=""
SERVER_PID=""

cleanup() {
    trap '' INT TERM
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    stop_cluster
    [ -z "$WORK" ] || rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------ tools
if [ -z "${BENCH_BIN:-}" ]; then
    log "== building release =="
    cargo build --release -p telederm-server
fi
if ! command -v wrk >/dev/null; then
    [ "$(id -u)" = 0 ] || die "wrk is not installed (Debian: apt-get install wrk)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk </dev/null
fi
for tool in curl jq sqlite3; do
    command -v "$tool" >/dev/null || {
        [ "$(id -u)" = 0 ] || die "$tool is not installed"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" </dev/null
    }
done
mkdir -p "$OUT_DIR"
WORK="$(mktemp -d /tmp/telederm-bench.XXXXXX)"
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"

# multipart BODY-FILE PHOTO: one `case` JSON part and one close-up photo.
multipart() {
    local boundary=telederm-bench-boundary
    {
        printf -- '--%s\r\nContent-Disposition: form-data; name="case"\r\nContent-Type: application/json\r\n\r\n' "$boundary"
        printf '{"priority":"routine","patient_ref":"P-BENCH","age":42,"sex":"female","body_site":"left forearm","question":"Benchmark lesion: please assess.","consent":true}\r\n'
        printf -- '--%s\r\nContent-Disposition: form-data; name="closeup"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n' "$boundary"
        cat "$2"
        printf -- '\r\n--%s--\r\n' "$boundary"
    } >"$1"
}
CONTENT_TYPE="multipart/form-data; boundary=telederm-bench-boundary"
multipart "$WORK/small.body" fixtures/small.jpg
multipart "$WORK/73k.body" fixtures/lesion-gps.jpg
HAVE_BIG=0
if [ -f "$BIG_PHOTO" ]; then multipart "$WORK/4m.body" "$BIG_PHOTO"; HAVE_BIG=1; fi

# ------------------------------------------------------------------ server
api() { # METHOD PATH TOKEN [JSON]
    curl -sS --fail-with-body -X "$1" "$URL$2" -H "authorization: Bearer $3" \
        ${4:+-H 'content-type: application/json' --data "$4"}
}
login() {
    curl -sS --fail-with-body "$URL/api/v1/auth/login" -H 'content-type: application/json' \
        --data "{\"email\":\"$1\",\"password\":\"$2\"}" | jq -r .access_token
}
sql() { # one number from the database
    if [ "$BACKEND" = sqlite ]; then sqlite3 "$DATA/telederm.db" "$1"; else
        psql -qtA "postgres://$PG_ROLE@127.0.0.1:$PG_PORT/telederm_bench" -c "$1"; fi
}

start_server() {
    DATA="$WORK/data-$BACKEND"
    mkdir -p "$DATA"
    local port
    port="$(find_free_port)"
    URL="http://127.0.0.1:$port"
    TELEDERM__SLA__CHECK_SECS=0 TELEDERM__NOTIFICATIONS__POLL_SECS=0 RUST_LOG=warn \
        "$BIN" serve --demo --bind "127.0.0.1:$port" --data-dir "$DATA" \
        >"$WORK/server-$BACKEND.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 600); do
        curl -sf "$URL/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$WORK/server-$BACKEND.log" >&2; die "server exited"; }
        sleep 0.1
    done
    die "server not ready after 60 s"
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

seed() {
    local admin t i id from to
    admin="$(login admin@demo.test demo-password)"
    from="$(date -u -d '-1 hour' +%FT%TZ)"
    to="$(date -u -d '+1 day' +%FT%TZ)"
    : >"$WORK/gp.tokens"
    : >"$WORK/derm.tokens"
    local derms=()
    for i in $(seq 1 8); do
        id="$(api POST /api/v1/users "$admin" "{\"email\":\"derm$i@bench.test\",\"display_name\":\"Bench derm $i\",\"role\":\"dermatologist\",\"password\":\"$PASSWORD\"}" | jq -r .id)"
        derms+=("$id")
    done
    for i in $(seq -w 1 20); do
        t="b$i"
        api POST /api/v1/territories "$admin" "{\"code\":\"$t\",\"name\":\"Bench $t\"}" >/dev/null
        api POST /api/v1/users "$admin" "{\"email\":\"gp$i@bench.test\",\"display_name\":\"Bench GP $i\",\"role\":\"gp\",\"password\":\"$PASSWORD\",\"home_territory\":\"$t\"}" >/dev/null
        for id in "${derms[@]}"; do
            api POST /api/v1/shifts "$admin" "{\"dermatologist_id\":\"$id\",\"territory\":\"$t\",\"starts_at\":\"$from\",\"ends_at\":\"$to\"}" >/dev/null
        done
        login "gp$i@bench.test" "$PASSWORD" >>"$WORK/gp.tokens"
    done
    for i in $(seq 1 8); do login "derm$i@bench.test" "$PASSWORD" >>"$WORK/derm.tokens"; done
    head -n 8 "$WORK/gp.tokens" >"$WORK/gp8.tokens"
    head -n 16 "$WORK/gp.tokens" >"$WORK/gp16.tokens"
}

# ------------------------------------------------------------------ scenarios
# load NAME GOAL THREADS CONNS SECS METHOD PATH TOKENS [BODY] [extra env...]
wanted() { [ -z "${BENCH_ONLY:-}" ] || [[ "$1" =~ $BENCH_ONLY ]]; }

load() {
    local name=$1 goal=$2 threads=$3 conns=$4 secs=$5 method=$6 path=$7 tokens=$8 body=${9:-}
    shift 9 || shift $#
    wanted "$name" || return 0
    echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || true # reset VmHWM
    log "-- $BACKEND: $name ($conns connections, ${secs}s)"
    local out probe_pid="" health='{}'
    if [ "${PROBE_HEALTH:-0}" = 1 ]; then
        probe_health "$secs" >"$WORK/health.out" &
        probe_pid=$!
    fi
    out="$(env BENCH_TOKENS="$tokens" BENCH_METHOD="$method" BENCH_BODY="$body" \
        BENCH_CONTENT_TYPE="$CONTENT_TYPE" "$@" \
        wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 30s -s "$LUA" "$URL$path" \
        | sed -n 's/^BENCH_JSON //p')"
    if [ -n "$probe_pid" ]; then
        wait "$probe_pid"
        health="$(jq -sc '{healthz: {probes: length, not_200: map(select(.code != 200)) | length,
            max_ms: (map(.ms) | max), p50_ms: (map(.ms) | sort | .[length / 2 | floor])}}' \
            "$WORK/health.out")"
    fi
    local rss
    rss="$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")"
    jq -c --arg s "$name" --arg b "$BACKEND" --arg g "$goal" --argjson rss "$rss" \
        --argjson health "$health" \
        '. + {scenario: $s, backend: $b, goal: $g, peak_rss_mb: ($rss / 1024 | floor)} + $health' \
        <<<"$out" | tee -a "$RESULTS" >&2
}

# GET /healthz every 200 ms for SECS seconds, one JSON line per probe ({code, ms}), each probe
# given 5 s: the server must answer it while it is loaded.
probe_health() {
    local until=$((SECONDS + $1)) line
    while [ "$SECONDS" -lt "$until" ]; do
        line="$(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' "$URL/healthz" || true)"
        jq -nc --arg l "$line" '($l | split(" ")) as $p
            | {code: ($p[0] | tonumber? // 0), ms: (($p[1] // "5" | tonumber) * 1000 | round)}'
        sleep 0.2
    done
}

seed_queue() {
    local queued
    queued="$(sql "select count(*) from cases where status = 'queued'")"
    local missing=$((QUEUE_CASES - queued)) per
    [ "$missing" -gt 0 ] || return 0
    per=$(((missing + 19) / 20))
    log "-- $BACKEND: seeding $missing queued cases through the API (20 GPs, 5 KB photo)"
    BENCH_TOKENS="$WORK/gp.tokens" BENCH_METHOD=POST BENCH_BODY="$WORK/small.body" \
        BENCH_CONTENT_TYPE="$CONTENT_TYPE" BENCH_MAX_PER_THREAD="$per" \
        wrk -t20 -c20 -d600s --timeout 30s -s "$LUA" "$URL/api/v1/cases" >"$WORK/seed.out" &
    local wrk_pid=$!
    # wrk runs for its whole duration even when every thread has stopped: interrupt it.
    while kill -0 "$wrk_pid" 2>/dev/null; do
        queued="$(sql "select count(*) from cases where status = 'queued'")"
        [ "$queued" -lt "$QUEUE_CASES" ] || kill -INT "$wrk_pid" 2>/dev/null || true
        sleep 1
    done
    wait "$wrk_pid" || true
    log "   $(sed -n 's/^BENCH_JSON //p' "$WORK/seed.out")"
    settle
}

# After a burst of writes, the state a server is in a minute later, before measuring reads: the
# audit sealer has linked every line the burst appended (polled in SQL), and on PostgreSQL the
# tables are vacuumed and analysed, as autovacuum does within its naptime (fresh tables without
# statistics get plans made for empty ones).
settle() {
    local pending
    for _ in $(seq 1 600); do
        pending="$(sql "select (select coalesce(max(seq), 0) from audit_log) - (select seq from audit_head)")"
        [ "$pending" -gt 0 ] || break
        sleep 0.1
    done
    [ "$pending" -eq 0 ] || die "the audit sealer left $pending lines unsealed after 60 s"
    if [ "$BACKEND" = postgres ]; then sql "vacuum analyze" >/dev/null; fi
}

# The seed's VACUUM sometimes leaves the new pages of `cases` not marked all-visible (three runs
# in a row once; presumably a transaction older than the seed still open when the VACUUM set its
# horizon, not found), and the report then reads the table instead of its covering index (900
# to 1,050 ms instead of 550 a million cases). Autovacuum marks them on a later pass; the bench
# makes that pass itself, and says so.
all_visible() {
    local q="select relpages - relallvisible from pg_class where relname = 'cases'" left pass
    for pass in 1 2 3 4 5; do
        left="$(sql "$q")"
        [ "$left" -gt 0 ] || return 0
        log "   cases: $left pages not all-visible after the seed's VACUUM: VACUUM again ($pass)"
        sql "vacuum cases" >/dev/null
    done
    die "cases still has $(sql "$q") pages not all-visible after 5 VACUUMs"
}

# The SLA report over BENCH_REPORT_CASES (1,000,000) cases of the last 90 days, made by
# PostgreSQL itself from ops/lib/seed-reports.sql (answers, breaches, requests for information,
# outcomes), read by an admin over every territory, one request at a time.
report_scenario() {
    # The claims' audit lines sealed first, so that no sealer transaction holds back the seed's
    # VACUUM; `all_visible` then checks that it marked the new pages.
    settle
    log "-- postgres: seeding $REPORT_CASES cases with SQL ($REPORT_SEED)"
    psql -q -v ON_ERROR_STOP=1 -v n="$REPORT_CASES" \
        "postgres://$PG_ROLE@127.0.0.1:$PG_PORT/telederm_bench" -f "$REPORT_SEED"
    all_visible
    login admin@demo.test demo-password >"$WORK/admin.tokens"
    local from to cases
    from="$(date -u -d '-91 days' +%FT%TZ)"
    to="$(date -u -d '+1 day' +%FT%TZ)"
    cases="$(sql "select count(*) from cases")"
    load "SLA report ($cases cases, by territory)" "< 1 s" 1 1 "$SECS" GET \
        "/api/v1/reports/sla?from=$from&to=$to" "$WORK/admin.tokens"
}

# claim-next: BENCH_CLAIMS (10000) claims by 8 dermatologists (one connection each, the same
# share each), then exactly once checked in SQL: every case claimed during the run has one
# claim event, its holder is that event's actor, one `case.claimed` audit line per claim, and
# the 200 answers name as many distinct cases as were claimed (0 doubles, 0 lost). wrk runs
# until its deadline even when every thread is done: it is interrupted once they all are, so
# no request is left in flight and the figures cover the claims alone.
claims() {
    local per=$(((CLAIMS + 7) / 8)) done_file="$WORK/claims.done"
    : >"$done_file"
    local q_events="select count(*) from case_events where kind = 'claimed'"
    local q_audit="select count(*) from audit_log where action = 'case.claimed'"
    local events_before audit_before
    events_before="$(sql "$q_events")"
    audit_before="$(sql "$q_audit")"
    echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || true # reset VmHWM
    log "-- $BACKEND: claim-next, $CLAIMS claims (8 connections)"
    BENCH_TOKENS="$WORK/derm.tokens" BENCH_METHOD=POST BENCH_BODY="" BENCH_COLLECT_IDS=1 \
        BENCH_MAX_PER_THREAD="$per" BENCH_DONE_FILE="$done_file" \
        wrk -t8 -c8 -d600s --timeout 30s -s "$LUA" "$URL/api/v1/queue/claim-next" \
        >"$WORK/claims.out" &
    local wrk_pid=$! finished=()
    while kill -0 "$wrk_pid" 2>/dev/null; do
        mapfile -t finished <"$done_file" # a builtin: no process per look
        [ "${#finished[@]}" -lt 8 ] || kill -INT "$wrk_pid" 2>/dev/null || true
        sleep 0.05
    done
    wait "$wrk_pid" || true
    local rss claimed audit twice holders
    rss="$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")"
    claimed=$(($(sql "$q_events") - events_before))
    audit=$(($(sql "$q_audit") - audit_before))
    # Over every claim ever made (the run's and any before): none twice, none held by another.
    twice="$(sql "select count(*) from (select case_id from case_events where kind = 'claimed' \
        group by case_id having count(*) > 1) t")"
    holders="$(sql "select count(*) from cases c where c.status = 'claimed' and (c.claimed_by is null \
        or c.claimed_by <> (select e.actor_id from case_events e where e.case_id = c.id \
        and e.kind = 'claimed' order by e.seq desc limit 1))")"
    sed -n 's/^BENCH_JSON //p' "$WORK/claims.out" | jq -c --arg b "$BACKEND" \
        --arg s "claim-next (8 dermatologists, $CLAIMS claims)" \
        --arg g ">= 1000 claims/s, p99 <= 20 ms, exactly once" --argjson rss "$rss" \
        --argjson claimed "$claimed" --argjson audit "$audit" --argjson twice "$twice" \
        --argjson holders "$holders" \
        '. + {scenario: $s, backend: $b, goal: $g, peak_rss_mb: ($rss / 1024 | floor),
              claimed_in_db: $claimed, audit_lines: $audit, claimed_twice_in_db: $twice,
              wrong_holder_in_db: $holders, lost: ($claimed - .distinct_ids),
              exactly_once: ($twice == 0 and $holders == 0 and .double_ids == 0
                  and $claimed == .distinct_ids and ($claimed == (.status["200"] // 0))
                  and $audit == $claimed)}' | tee -a "$RESULTS" >&2
}

run_backend() {
    BACKEND=$1
    log "== $BACKEND =="
    start_server
    seed
    load "submit 73 KB photo" ">= 300 cases/s, p99 <= 100 ms" 8 8 "$SECS" POST /api/v1/cases \
        "$WORK/gp8.tokens" "$WORK/73k.body"
    if [ "$HAVE_BIG" = 1 ]; then
        load "submit 4 MB photo" ">= 30 cases/s, p99 <= 400 ms" 8 8 "$SECS" POST /api/v1/cases \
            "$WORK/gp8.tokens" "$WORK/4m.body"
    fi
    if wanted "queue GET" || wanted "claim-next"; then seed_queue; fi
    local queued
    queued="$(sql "select count(*) from cases where status = 'queued'")"
    load "queue GET, first 50 ($queued queued, 20 terr.)" "p99 <= 20 ms" 8 8 "$SECS" GET \
        /api/v1/queue "$WORK/derm.tokens"
    load "queue GET, limit=200 ($queued queued, 20 terr.)" "p99 <= 20 ms" 8 8 "$SECS" GET \
        "/api/v1/queue?limit=200" "$WORK/derm.tokens"
    if wanted "claim-next"; then
        claims
    fi
    if [ "$BACKEND" = postgres ] && wanted "SLA report"; then
        report_scenario
    fi

    if [ "$HAVE_BIG" = 1 ]; then
        PROBE_HEALTH=1 load "peak RSS, 64 connections x 4 MB" \
            "peak RSS <= 512 MB, /healthz answered" 16 64 "$SECS" POST \
            /api/v1/cases "$WORK/gp16.tokens" "$WORK/4m.body"
    fi
    stop_server
}

run_backend sqlite
if PG_BINDIR="$(find_pg_bindir)"; then
    start_cluster
    psql -q "postgres://$PG_ROLE@127.0.0.1:$PG_PORT/postgres" -c 'create database telederm_bench'
    export TELEDERM__DATABASE__URL="postgres://$PG_ROLE@127.0.0.1:$PG_PORT/telederm_bench"
    run_backend postgres
    unset TELEDERM__DATABASE__URL
else
    log "== PostgreSQL: SKIPPED (no initdb/pg_ctl/postgres found; see ops/lib/pg.sh) =="
fi

# ------------------------------------------------------------------ report
INTAKE_NOTE="intake of a 12 MP JPEG: see 'cargo bench -p telederm-server --bench intake' (goal <= 60 ms, >= 4x exiftool)"
jq -s --arg note "$INTAKE_NOTE" --arg secs "$SECS" \
    '{seconds_per_scenario: ($secs | tonumber), intake: $note, scenarios: .}' "$RESULTS" \
    >"$OUT_DIR/results.json"
{
    printf '%-44s %-9s %9s %9s %9s %8s  %s\n' scenario backend "req/s" "p50 ms" "p99 ms" "RSS MB" goal
    jq -r '.[] | [.scenario, .backend, (.rps|tostring), (.p50_ms|tostring), (.p99_ms|tostring),
        (.peak_rss_mb|tostring), .goal,
        ("statuses " + (.status|tojson)),
        (if .healthz then "/healthz: \(.healthz.probes) probes, \(.healthz.not_200) not 200, p50 \(.healthz.p50_ms) ms, max \(.healthz.max_ms) ms" else "" end)
        + (if .claimed_in_db then "claimed in db \(.claimed_in_db), answered 200 \(.status["200"] // 0), doubles \(.double_ids), lost \(.lost), claimed twice in db \(.claimed_twice_in_db), wrong holder \(.wrong_holder_in_db), audit lines \(.audit_lines): " + (if .exactly_once then "exactly once" else "NOT EXACTLY ONCE" end) else "" end)]
        | @tsv' <(jq '.scenarios' "$OUT_DIR/results.json") |
        while IFS=$'\t' read -r s b r p50 p99 rss g st ex; do
            printf '%-44s %-9s %9s %9s %9s %8s  %s  [%s%s]\n' "$s" "$b" "$r" "$p50" "$p99" "$rss" "$g" "$st" "${ex:+; $ex}"
        done
    echo "$INTAKE_NOTE"
    echo "JSON: $OUT_DIR/results.json"
}
