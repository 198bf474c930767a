#!/usr/bin/env bash
# The physical floor of the CSV import on SQLite (docs/benchmarks.md): the import's writes done by sqlite3 itself.
#
#   bench/import-floor.sh [FILE]     # default: the 1,000,000-row file `Rapport.Bench import` writes
#
# Builds a fresh database from the migration scripts, stages FILE (the shop-style CSV of `Rapport.Bench import`) in a
# temporary table without timing it, then times every statement of bench/import-floor.sql (.timer) and their sum.
# Needs: sqlite3, awk.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FILE="${1:-${TMPDIR:-/tmp}/rapport-bench/orders-1000000-v2.csv}"
[[ -f "$FILE" ]] || { echo "error: $FILE not found; run 'Rapport.Bench import --rows 1000000 --runs 1' first" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "error: sqlite3 is required" >&2; exit 1; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rapport-import-floor.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cat "$REPO"/src/Rapport.Core/Data/Migrations/Sqlite/*.sql >"$WORK/schema.sql"
sed -e "s|SCHEMA|$WORK/schema.sql|" -e "s|CSVFILE|$FILE|" "$REPO/bench/import-floor.sql" >"$WORK/floor.sql"
sqlite3 "$WORK/floor.db" <"$WORK/floor.sql" | tee "$WORK/out.txt" | grep -v '^wal$'
awk '/^Run Time/ { sum += $4 } END { printf "sum of the timed statements: %.2f s\n", sum }' "$WORK/out.txt"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1); $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M') UTC; $(uptime | sed 's/.*load/load/')"
