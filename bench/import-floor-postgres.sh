#!/usr/bin/env bash
# The physical floor of the CSV import on PostgreSQL (docs/benchmarks.md): the import's writes done by the server itself.
#
#   bench/import-floor-postgres.sh [--without-foreign-keys] [FILE]
#                                    # default FILE: the 1,000,000-row file `Rapport.Bench import` writes
#
# Creates a scratch database from the migration scripts, stages FILE (the shop-style CSV of `Rapport.Bench import`) in
# a temporary table without timing it, then times every statement of bench/import-floor-postgres.sql (\timing) and
# their sum, and drops the database. --without-foreign-keys drops the three foreign keys the writes check first (to
# show their share; the product keeps them).
# Needs: psql, awk, a server (RAPPORT_BENCH_POSTGRES_URL, default postgresql://postgres:postgres@127.0.0.1/postgres).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREPARE=""
if [[ "${1:-}" == "--without-foreign-keys" ]]; then
  PREPARE="ALTER TABLE transaction_lines DROP CONSTRAINT fk_transaction_lines_transaction_id, DROP CONSTRAINT fk_transaction_lines_product_id; ALTER TABLE transactions DROP CONSTRAINT fk_transactions_customer_id;"
  shift
fi
FILE="${1:-${TMPDIR:-/tmp}/rapport-bench/orders-1000000-v2.csv}"
[[ -f "$FILE" ]] || { echo "error: $FILE not found; run 'Rapport.Bench import --rows 1000000 --runs 1' first" >&2; exit 1; }
command -v psql >/dev/null || { echo "error: psql is required" >&2; exit 1; }
ADMIN="${RAPPORT_BENCH_POSTGRES_URL:-postgresql://postgres:postgres@127.0.0.1/postgres}"
DB="rapport_import_floor_$$"
URL="${ADMIN%/*}/$DB"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rapport-import-floor-pg.XXXXXX")"
cleanup() { psql -q "$ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
psql -q "$ADMIN" -c "CREATE DATABASE $DB" >/dev/null
cat "$REPO"/src/Rapport.Core/Data/Migrations/Postgres/*.sql | psql -q -v ON_ERROR_STOP=1 "$URL" >/dev/null
sed -e "s|CSVFILE|$FILE|" -e "s|^PREPARE$|$PREPARE|" "$REPO/bench/import-floor-postgres.sql" >"$WORK/floor.sql"
psql "$URL" -f "$WORK/floor.sql" | tee "$WORK/out.txt" | grep -v '^$'
awk '/^Time:/ { sum += $2 } END { printf "sum of the timed statements: %.2f s\n", sum / 1000 }' "$WORK/out.txt"
echo "$(psql -Atc 'SHOW server_version' "$URL" | cut -d' ' -f1) (PostgreSQL); $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M') UTC; $(uptime | sed 's/.*load/load/')"
