#!/usr/bin/env bash
# API latency with 100,000 demo customers on SQLite, measured with wrk over loopback.
#
#   bench/api-latency.sh                      # 3 runs of 20 s per endpoint, 2 threads, 8 connections
#   RUNS=5 DURATION=30s bench/api-latency.sh  # more and longer runs
#
# Builds Release, creates a fresh SQLite database with `rapport demo --customers $CUSTOMERS`, creates an analyst
# API key, starts `rapport serve` on 127.0.0.1:$PORT, warms up, then runs wrk --latency against
#   GET /health, GET /api/v1/customers/{id}, GET /api/v1/customers/{id}/timeline (first page)
# rotating over 1,000 customer ids, and prints p50 / p99 per run and their medians as a markdown table.
# Targets (issue 2): median <= 5 ms and p99 <= 20 ms for the customer and timeline requests.
# Needs: dotnet, wrk, sqlite3, curl. Set KEEP=1 to keep the work folder (database, logs, raw wrk output);
# DATABASE=/path/rapport.db measures a copy of an existing database instead of generating one.
set -euo pipefail

RUNS="${RUNS:-3}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-5s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-8}"
CUSTOMERS="${CUSTOMERS:-100000}"
PORT="${PORT:-5091}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rapport-api-latency.XXXXXX")"
URL="http://127.0.0.1:${PORT}"
# shellcheck source=bench/lib.sh
source "$REPO/bench/lib.sh"
require dotnet wrk sqlite3 curl
build_app

export Rapport__Database__Provider=sqlite
export Rapport__Database__ConnectionString="Data Source=$WORK/rapport.db"
export ASPNETCORE_ENVIRONMENT=Production
cd "$WORK"

demo_start=$(date +%s.%N)
if [[ -n "${DATABASE:-}" ]]; then
    # Reuse a database made by an earlier run (KEEP=1): copied, so the original stays as it was.
    log "copying $DATABASE"
    sqlite3 "$DATABASE" ".backup '$WORK/rapport.db'"
    "$APP" db migrate >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; exit 1; }
else
    log "rapport demo --customers $CUSTOMERS"
    "$APP" demo --customers "$CUSTOMERS" >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; exit 1; }
fi
demo_end=$(date +%s.%N)
grep -E '^Demo business' "$WORK/demo.log" >&2 || true

KEY="$("$APP" apikey create --name bench --role analyst | tail -n 1)"
[[ "$KEY" == rpk_* ]] || { echo "error: could not create an API key (got '$KEY')" >&2; exit 1; }

# 1,000 customers spread over the whole id range, in a fixed pseudo-random order (the same on every run).
sqlite3 "$WORK/rapport.db" "SELECT id FROM customers ORDER BY (id * 7919) % 100003 LIMIT 1000" >"$WORK/ids.txt"
[[ -s "$WORK/ids.txt" ]] || { echo "error: no customers in the database" >&2; exit 1; }

cat >"$WORK/request.lua" <<'LUA'
-- Sends the API key and rotates over the customer ids in IDS_FILE; the path template comes after "--".
local ids = {}
local next_index = 1
local template = "/health"
local threads = 0

-- Runs once per thread in the main state: each thread starts at a different place in the id list.
function setup(thread)
    threads = threads + 1
    thread:set("offset", threads * 397)
end

function init(args)
    template = args[1] or template
    for line in io.lines(os.getenv("IDS_FILE")) do
        ids[#ids + 1] = line
    end
    next_index = ((offset or 0) % #ids) + 1
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("RAPPORT_KEY")
    wrk.headers["Accept"] = "application/json"
end

function request()
    local id = ids[next_index]
    next_index = (next_index % #ids) + 1
    local path = string.gsub(template, "{id}", id)
    return wrk.format("GET", path)
end
LUA

log "starting rapport serve on $URL"
start_server "$WORK/server.log"

ENDPOINTS=("/health" "/api/v1/customers/{id}" "/api/v1/customers/{id}/timeline")
sample_id="$(head -n 1 "$WORK/ids.txt")"
for path in "${ENDPOINTS[@]}"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" "$URL${path//\{id\}/$sample_id}")
    [[ "$status" == 200 ]] || { echo "error: GET ${path//\{id\}/$sample_id} answered $status" >&2; exit 1; }
done

export IDS_FILE="$WORK/ids.txt" RAPPORT_KEY="$KEY"

# Converts a wrk latency such as 812.00us, 1.32ms or 1.02s to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { printf "%s", v } }'
}

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

run_wrk() { # path duration outfile
    # A 10 s timeout so that slow answers are measured instead of dropped from the distribution.
    if ! wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --timeout 10s --latency -s "$WORK/request.lua" "$URL" -- "$1" >"$3" 2>&1; then
        echo "error: wrk failed on $1:" >&2
        cat "$3" >&2
        exit 1
    fi
    if grep -q -e "Non-2xx or 3xx responses" "$3"; then
        echo "error: some requests to $1 failed:" >&2
        cat "$3" >&2
        exit 1
    fi
}

log "warm-up ($WARMUP per endpoint)"
for path in "${ENDPOINTS[@]}"; do
    run_wrk "$path" "$WARMUP" "$WORK/warmup.txt"
done

declare -A P50 P99 RPS ERRORS
for run in $(seq 1 "$RUNS"); do
    for path in "${ENDPOINTS[@]}"; do
        out="$WORK/wrk-${run}-$(echo "$path" | tr -c 'a-z0-9' '_').txt"
        log "run $run/$RUNS: GET $path for $DURATION"
        run_wrk "$path" "$DURATION" "$out"
        p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
        p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
        rps=$(awk '/^Requests\/sec/ { print $2 }' "$out")
        P50[$path]+="$p50 "
        P99[$path]+="$p99 "
        RPS[$path]+="$rps "
        errors=$(awk '/Socket errors/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out")
        ERRORS[$path]=$(( ${ERRORS[$path]:-0} + ${errors:-0} ))
    done
done

echo
echo "### API latency: $CUSTOMERS demo customers on SQLite, wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $RUNS run(s)"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/^Mem:/ { print $2 }') GB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }'); $(date -u '+%Y-%m-%d %H:%M') UTC; 1-minute load average at the end: $(cut -d' ' -f1 /proc/loadavg)."
[[ -n "${DATABASE:-}" ]] && echo "Database: a copy of $DATABASE." || awk -v a="$demo_start" -v b="$demo_end" 'BEGIN { printf "Demo generation for this database (wall clock, including process start and migration): %.1f s.\n", b - a }'
echo
echo "| endpoint | p50 per run (ms) | p99 per run (ms) | median p50 (ms) | median p99 (ms) | median req/s | socket errors | target |"
echo "|---|---|---|---:|---:|---:|---:|---|"
for path in "${ENDPOINTS[@]}"; do
    m50=$(echo "${P50[$path]}" | tr ' ' '\n' | grep -v '^$' | median)
    m99=$(echo "${P99[$path]}" | tr ' ' '\n' | grep -v '^$' | median)
    mrps=$(echo "${RPS[$path]}" | tr ' ' '\n' | grep -v '^$' | median)
    if [[ "$path" == "/health" ]]; then
        target="reference"
    elif awk -v a="$m50" -v b="$m99" 'BEGIN { exit !(a <= 5 && b <= 20) }'; then
        target="met (p50 ≤ 5, p99 ≤ 20)"
    else
        target="**missed** (p50 ≤ 5, p99 ≤ 20)"
    fi
    echo "| \`GET $path\` | ${P50[$path]% } | ${P99[$path]% } | $m50 | $m99 | $mrps | ${ERRORS[$path]} | $target |"
done
