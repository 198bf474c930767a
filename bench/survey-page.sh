#!/usr/bin/env bash
# First byte of the public survey page (issue 5: <= 50 ms), measured through the real host over loopback HTTP.
#
#   bench/survey-page.sh                        # 3 runs of 1,000 requests per endpoint
#   RUNS=5 REQUESTS=2000 bench/survey-page.sh
#
# Builds Release, creates a fresh SQLite database with `rapport demo --customers $CUSTOMERS` (default 5,000: the demo
# has its own surveys, so the survey tables are not empty), creates a marketing API key, then through the API a
# 10-question survey (NPS, CSAT, rating, two value-importance questions, a value ranking over the active values,
# single and multiple choice, two free-text questions), publishes it and invites one demo customer. It starts
# `rapport serve` on 127.0.0.1:$PORT and, per run, sends $REQUESTS sequential GETs over one kept-alive connection
# (curl, time_starttransfer = time to first byte) to each of:
#   GET /health                the reference in the same run
#   GET /s/{invitation token}  the customer's personal link (token verified, invitation, survey, questions, values)
#   GET /s/{anonymous token}   the anonymous link
# and prints the median and p95 of each run and the medians over runs as a markdown table.
# Needs: dotnet, curl, sqlite3. KEEP=1 keeps the work folder.
set -euo pipefail

RUNS="${RUNS:-3}"
REQUESTS="${REQUESTS:-1000}"
WARMUP="${WARMUP:-200}"
CUSTOMERS="${CUSTOMERS:-5000}"
PORT="${PORT:-5093}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rapport-survey-page.XXXXXX")"
URL="http://127.0.0.1:${PORT}"
# shellcheck source=bench/lib.sh
source "$REPO/bench/lib.sh"
require dotnet curl sqlite3
build_app

export Rapport__Database__Provider=sqlite
export Rapport__Database__ConnectionString="Data Source=$WORK/rapport.db"
export Rapport__DataDirectory="$WORK"
export ASPNETCORE_ENVIRONMENT=Production
cd "$WORK"

log "rapport demo --customers $CUSTOMERS"
"$APP" demo --customers "$CUSTOMERS" >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; exit 1; }
KEY="$("$APP" apikey create --name bench --role marketing | tail -n 1)"
[[ "$KEY" == rpk_* ]] || { echo "error: could not create an API key (got '$KEY')" >&2; exit 1; }

log "starting rapport serve on $URL"
start_server "$WORK/server.log"

api() { # method path [json]
    curl -fsS -X "$1" -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" ${3:+--data "$3"} "$URL$2"
}

survey=$(api POST /api/v1/surveys '{
  "title": "Bench survey", "intro": "Ten questions.", "anonymousEnabled": true,
  "questions": [
    {"kind": "nps", "key": "nps", "prompt": "How likely are you to recommend us to a friend?", "required": true},
    {"kind": "csat", "key": "csat", "prompt": "How satisfied are you with your last order?", "required": true},
    {"kind": "rating", "key": "delivery", "prompt": "Rate our delivery"},
    {"kind": "valueImportance", "key": "imp_sustainability", "prompt": "How important is sustainability to you?", "value": "sustainability"},
    {"kind": "valueImportance", "key": "imp_price", "prompt": "How important is a low price to you?", "value": "price"},
    {"kind": "valueRanking", "key": "top3", "prompt": "What matters most to you when you buy from us?"},
    {"kind": "singleChoice", "key": "channel", "prompt": "How did you hear about us?", "options": ["Friends", "Instagram", "Search"]},
    {"kind": "multipleChoice", "key": "buy", "prompt": "What do you buy?", "options": ["Coffee", "Tea", "Cakes"]},
    {"kind": "freeText", "key": "why", "prompt": "Why did you give that score?"},
    {"kind": "freeText", "key": "else", "prompt": "Anything else?"}
  ]}')
id=$(echo "$survey" | sed -E 's/^\{"id":([0-9]+).*/\1/')
anonymous=$(api POST "/api/v1/surveys/$id/publish" | sed -E 's/.*"anonymousLink":"([^"]+)".*/\1/')
customer=$(sqlite3 "$WORK/rapport.db" "SELECT id FROM customers ORDER BY id LIMIT 1 OFFSET 100")
invitation=$(api POST "/api/v1/surveys/$id/invitations" "{\"customerIds\": [$customer]}" | sed -E 's/.*"link":"([^"]+)".*/\1/')

ENDPOINTS=("/health" "$invitation" "$anonymous")
NAMES=("GET /health (reference)" "GET /s/{token}, personal link" "GET /s/{token}, anonymous link")
for path in "${ENDPOINTS[@]}"; do
    status=$(curl -s -o /dev/null -w '%{http_code}' "$URL$path")
    [[ "$status" == 200 ]] || { echo "error: GET $path answered $status" >&2; exit 1; }
done
questions=$(curl -s "$URL$invitation" | grep -c 'class="card survey-question' || true)
[[ "$questions" == 10 ]] || { echo "error: the survey page shows $questions questions, not 10" >&2; exit 1; }

# $2 sequential GETs of one path over one connection; prints each time to first byte in ms.
ttfb() {
    local config="$WORK/curl.cfg"
    : >"$config"
    for _ in $(seq 1 "$2"); do
        printf 'url = "%s"\noutput = "/dev/null"\n' "$URL$1" >>"$config"
    done
    curl -s --config "$config" -w '%{http_code} %{time_starttransfer}\n' | awk '$1 != 200 { bad++ } { printf "%.3f\n", $2 * 1000 } END { if (bad) { print "error: " bad " non-200 answers" > "/dev/stderr"; exit 1 } }'
}

stat() { # p (0-100) < values
    sort -g | awk -v p="$1" '{ a[NR] = $1 } END { i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; print a[i] }'
}

log "warm-up ($WARMUP requests per endpoint)"
for path in "${ENDPOINTS[@]}"; do ttfb "$path" "$WARMUP" >/dev/null; done

declare -A P50 P95
for run in $(seq 1 "$RUNS"); do
    for i in "${!ENDPOINTS[@]}"; do
        log "run $run/$RUNS: ${NAMES[$i]}, $REQUESTS requests"
        ttfb "${ENDPOINTS[$i]}" "$REQUESTS" >"$WORK/run-$run-$i.txt"
        P50[$i]+="$(stat 50 <"$WORK/run-$run-$i.txt") "
        P95[$i]+="$(stat 95 <"$WORK/run-$run-$i.txt") "
    done
done

median() { tr ' ' '\n' | grep -v '^$' | stat 50; }
echo
echo "### Survey page first byte: 10-question survey, $CUSTOMERS demo customers on SQLite, $REQUESTS sequential requests per endpoint and run, $RUNS run(s)"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/^Mem:/ { print $2 }') GB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"), .NET $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }'); $(date -u '+%Y-%m-%d %H:%M') UTC; 1-minute load average at the end: $(cut -d' ' -f1 /proc/loadavg)."
echo
echo "| endpoint | median per run (ms) | p95 per run (ms) | median of medians (ms) | median p95 (ms) | ratio to /health (median) | target |"
echo "|---|---|---|---:|---:|---:|---|"
ref=$(echo "${P50[0]}" | median)
for i in "${!ENDPOINTS[@]}"; do
    m50=$(echo "${P50[$i]}" | median)
    m95=$(echo "${P95[$i]}" | median)
    ratio=$(awk -v a="$m50" -v b="$ref" 'BEGIN { printf "%.1f", a / b }')
    if [[ $i == 0 ]]; then
        target="reference"
    elif awk -v a="$m95" 'BEGIN { exit !(a <= 50) }'; then
        target="met (first byte ≤ 50 ms at p95)"
    else
        target="**missed** (≤ 50 ms)"
    fi
    echo "| \`${NAMES[$i]}\` | ${P50[$i]% } | ${P95[$i]% } | $m50 | $m95 | $ratio | $target |"
done
