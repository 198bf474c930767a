#!/usr/bin/env bash
# Batch ingestion over HTTP on loopback: POST /api/v1/events/batch with 1,000 transaction events per request.
#
#   bench/ingest-http.sh                              # 3 runs of 150 batches (150,000 events), 4 concurrent clients
#   RUNS=5 BATCHES=100 CLIENTS=2 WARMUP=20 bench/ingest-http.sh
#
# Builds Release, then for every run: a fresh SQLite database (`rapport db migrate`), an API key (`rapport apikey
# create --role sales`), `rapport serve` on 127.0.0.1:$PORT, $WARMUP warm-up batches (so that the measured batches run
# on compiled code, as on a server that has been up a while, not on the just-in-time compiler's first tiers), then
#   ingest: $BATCHES batch files POSTed over $CLIENTS concurrent connections by one curl process (--parallel: a
#           process per request would take a good part of the two cores from the server); every event must come
#           back "stored";
#   replay: the very same requests again; every event must come back "duplicate".
# The replay is the reference: the same bytes over the same HTTP stack, read, parsed and validated by the same
# endpoint and checked against the stored message ids, but nothing is written. ingest / replay is thus what the
# writes (customers, orders, lines, metrics, message ids, one commit per batch) cost on top of transport and parsing.
# Target (issue 3): ingest median >= 20,000 events/s on SQLite.
#
# Events are realistic orders: a pool of $CUSTOMERS customers (external id, email, names; the first order of each
# creates it, later ones match it), 1-4 lines with SKU, description, quantity and unit price, total = sum of the lines,
# one currency. ORDER=live (the default) sends them as a shop's live feed does: order ids counting up, each order a
# little later than the one before. ORDER=shuffled gives each order a random date in a year and an order id in no
# particular order (a worst case: every order lands anywhere in the order-id and date indexes). Every run uses new
# message and order ids.
#   ORDER=shuffled bench/ingest-http.sh
# Needs: dotnet, curl, python3. KEEP=1 keeps the work folder (batches, responses, server logs).
set -euo pipefail

RUNS="${RUNS:-3}"
BATCHES="${BATCHES:-150}"
CLIENTS="${CLIENTS:-4}"
CUSTOMERS="${CUSTOMERS:-20000}"
ORDER="${ORDER:-live}"
WARMUP="${WARMUP:-20}"
[[ "$ORDER" == live || "$ORDER" == shuffled ]] || { echo "error: ORDER is live or shuffled" >&2; exit 1; }
PORT="${PORT:-5093}"
REPO="${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rapport-ingest-http.XXXXXX")"
URL="http://127.0.0.1:${PORT}"
# shellcheck source=bench/lib.sh
source "$REPO/bench/lib.sh"
require dotnet curl python3
build_app

log "writing $RUNS x $BATCHES batches of 1,000 events (+$WARMUP warm-up each)"
python3 - "$WORK/batches" "$RUNS" "$BATCHES" "$CUSTOMERS" "$ORDER" "$WARMUP" <<'PY'
import json, os, random, sys
from datetime import datetime, timedelta, timezone

out, runs, batches, customers, order, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
rng = random.Random(20260615)
first = ["Ada", "Grace", "José", "Zoë", "Mårten", "Aiko", "Liam", "Chloé", "Noah", "Fatima", "Olek", "Ines"]
last = ["Lovelace", "Hopper", "Núñez", "Kowalski", "Dubois", "Tanaka", "Smith", "García", "Müller", "Rossi"]
products = [(f"SKU-{i:04d}", f"Product {i}", round(rng.uniform(2, 180), 2)) for i in range(200)]
start = datetime(2025, 6, 1, tzinfo=timezone.utc)

def event(run, batch, i):
    c = rng.randrange(customers)
    lines = []
    for _ in range(rng.randint(1, 4)):
        sku, name, price = rng.choice(products)
        lines.append({"sku": sku, "description": name, "quantity": rng.randint(1, 3), "unitPrice": price})
    return {
        "messageId": f"bench-{run}-{batch}-{i}",
        "type": "transaction",
        "externalId": f"SO-{run}-{batch * 1000 + i:08d}" if order == "live" else f"SO-{run}-{batch}-{i}",
        "customer": {"externalId": f"C-{c:06d}", "email": f"customer{c}@example.com",
                     "firstName": first[c % len(first)], "lastName": last[c % len(last)]},
        "occurredAt": (start + (timedelta(seconds=10 * (batch * 1000 + i)) if order == "live" else timedelta(minutes=rng.randrange(525600)))).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "currency": "EUR",
        "total": round(sum(l["quantity"] * l["unitPrice"] for l in lines), 2),
        "lines": lines,
    }

for run in range(1, runs + 1):
    folder = os.path.join(out, f"run{run}")
    os.makedirs(folder, exist_ok=True)
    for batch in range(0, batches + warmup):  # the first $WARMUP are the warm-up
        name = f"w{batch:05d}.json" if batch < warmup else f"{batch:05d}.json"
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            json.dump({"source": "shop", "events": [event(run, batch, i) for i in range(1000)]}, f, ensure_ascii=False)
PY
log "batch size: $(du -k "$(ls "$WORK/batches/run1"/[0-9]*.json | head -n 1)" | cut -f1) KiB"

export Rapport__Database__Provider=sqlite
export Rapport__Database__ConnectionString="Data Source=$WORK/rapport.db"
export ASPNETCORE_ENVIRONMENT=Production
cd "$WORK"

# Posts every file given on stdin over $CLIENTS concurrent connections of one curl process; one "<status> <file>"
# line per response.
post_all() {
    local key="$1" outdir="$2" config
    mkdir -p "$outdir"
    config="$outdir.curl"
    : >"$config"
    # One block per request; "next" starts the next one (options such as data-binary would otherwise accumulate).
    local first=1
    while read -r file; do
        [[ $first == 1 ]] || echo next
        first=0
        printf 'url = "%s/api/v1/events/batch"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\n' "$URL" "$key"
        printf 'data-binary = "@%s"\noutput = "%s/%s"\nwrite-out = "%%{http_code} %s\\n"\nsilent\n' "$file" "$outdir" "$(basename "$file")" "$file"
    done >"$config"
    curl -s --parallel --parallel-max "$CLIENTS" -K "$config" 2>"$outdir.stderr"
}

# Sums the per-status counts of the responses in a folder and checks every event got the expected status.
check() {
    python3 - "$1" "$2" "$3" <<'PY'
import glob, json, sys
folder, expected, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
totals = {"stored": 0, "duplicate": 0, "rejected": 0}
for path in glob.glob(folder + "/*.json"):
    report = json.load(open(path, encoding="utf-8"))
    for status in totals:
        totals[status] += report[status]
if totals[expected] != count:
    reasons = {}
    for path in glob.glob(folder + "/*.json"):
        for item in json.load(open(path, encoding="utf-8"))["items"]:
            if item["status"] != expected:
                reasons[item["reason"]] = reasons.get(item["reason"], 0) + 1
    sys.exit(f"expected {count} {expected}, got {totals}; reasons: {list(reasons.items())[:5]}")
PY
}

declare -a INGEST REPLAY
for run in $(seq 1 "$RUNS"); do
    stop_server
    rm -f "$WORK"/rapport.db*
    "$APP" db migrate >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; exit 1; }
    KEY="$("$APP" apikey create --name bench --role sales | tail -n 1)"
    [[ "$KEY" == rpk_* ]] || { echo "error: could not create an API key (got '$KEY')" >&2; exit 1; }
    start_server "$WORK/server-$run.log"

    ls "$WORK/batches/run$run"/w*.json | post_all "$KEY" "$WORK/warmup-$run" >"$WORK/warmup-$run.txt"
    check "$WORK/warmup-$run" stored $((WARMUP * 1000)) || exit 1

    files="$(ls "$WORK/batches/run$run"/[0-9]*.json)"
    t0=$(date +%s.%N)
    echo "$files" | post_all "$KEY" "$WORK/ingest-$run" >"$WORK/ingest-$run.txt"
    t1=$(date +%s.%N)
    echo "$files" | post_all "$KEY" "$WORK/replay-$run" >"$WORK/replay-$run.txt"
    t2=$(date +%s.%N)

    if grep -qv '^200 ' "$WORK/ingest-$run.txt" "$WORK/replay-$run.txt"; then
        echo "error: some requests did not answer 200:" >&2
        grep -hv '^200 ' "$WORK/ingest-$run.txt" "$WORK/replay-$run.txt" | head >&2
        exit 1
    fi
    check "$WORK/ingest-$run" stored $((BATCHES * 1000)) || exit 1
    check "$WORK/replay-$run" duplicate $((BATCHES * 1000)) || exit 1

    INGEST+=("$(python3 -c "print(round($BATCHES * 1000 / ($t1 - $t0)))")")
    REPLAY+=("$(python3 -c "print(round($BATCHES * 1000 / ($t2 - $t1)))")")
    log "run $run: ingest ${INGEST[-1]} events/s, replay (all duplicates) ${REPLAY[-1]} events/s"
done
stop_server

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo
echo "Batch ingestion over HTTP (SQLite, loopback): $RUNS runs of $BATCHES requests x 1,000 transaction events ($ORDER order), $CLIENTS concurrent clients"
echo
echo "| measure | runs (events/s) | median (events/s) |"
echo "|---|---|---|"
echo "| ingest: POST /api/v1/events/batch, all stored | ${INGEST[*]} | $(median "${INGEST[@]}") |"
echo "| reference: the same requests again, all duplicates (nothing written) | ${REPLAY[*]} | $(median "${REPLAY[@]}") |"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/^Mem:/ { print $2 }') GB RAM, .NET $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }'); $(date -u '+%Y-%m-%d %H:%M') UTC."
echo "uptime at the end: $(uptime)"
