#!/usr/bin/env bash
# The model-fit benchmark of issue 4 (docs/benchmarks.md, section 4): BG/NBD, Pareto/NBD and Gamma-Gamma fitted to the
# CDNOW summary by Rapport (`Rapport.Bench models`) and by the Python reference (bench/models-reference.py), one
# after the other in this script, then the medians side by side with their ratio (reference / Rapport).
#
#   bench/models.sh [--runs N] [--warmup W] [--rounds K]     # defaults: 50 runs, 5 warm-up, 1 round
#
# --rounds K runs both sides K times, alternating, and prints each round (the machine is shared and noisy).
# The reference is Python's lifetimes 0.11.x when it can be imported: `pip install lifetimes==0.11.3` where PyPI is
# reachable, or a source checkout of github.com/CamDavidsonPilon/lifetimes (tag 0.11.3) on PYTHONPATH with autograd
# and dill installed. Without it, bench/models-reference.py falls back to its own re-implementation of lifetimes 0.11's
# fitting procedure with numpy and scipy, and says so in its output (see its docstring).
# Needs: dotnet, a Python 3 with numpy, scipy and pandas (PYTHON=..., else python3, else /usr/bin/python3; on Debian
# apt-get install python3-numpy python3-scipy python3-pandas), awk.
# The data folder is ../shared/data/clv next to the repository (DATA=... to change it).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${DATA:-$REPO/../shared/data/clv}"
RUNS=50 WARMUP=5 ROUNDS=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --rounds) ROUNDS="$2"; shift 2 ;;
        *) echo "usage: bench/models.sh [--runs N] [--warmup W] [--rounds K]" >&2; exit 1 ;;
    esac
done

has_stack() { "$1" -c 'import numpy, scipy, pandas' >/dev/null 2>&1; }
if [[ -z "${PYTHON:-}" ]]; then
    for candidate in python3 /usr/bin/python3; do
        if command -v "$candidate" >/dev/null && has_stack "$candidate"; then PYTHON="$candidate"; break; fi
    done
fi
[[ -n "${PYTHON:-}" ]] && has_stack "$PYTHON" || { echo "error: no Python 3 with numpy, scipy and pandas (set PYTHON)" >&2; exit 1; }

export RAPPORT_BUILD_ROOT="${RAPPORT_BUILD_ROOT:-${TMPDIR:-/tmp}/rapport-bench-build}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rapport-models.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
echo "building Rapport.Bench (Release) under $RAPPORT_BUILD_ROOT" >&2
dotnet build "$REPO/bench/Rapport.Bench" -c Release --nologo -v quiet >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
BENCH="$RAPPORT_BUILD_ROOT/bin/Rapport.Bench/Release/net10.0/Rapport.Bench.dll"

COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo "${COMMIT:-unknown}")"
git -C "$REPO" diff --quiet HEAD -- src bench 2>/dev/null || COMMIT="$COMMIT (with uncommitted changes, or not a git checkout)"
echo "commit $COMMIT; $(nproc) cores;" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(date -u '+%Y-%m-%d %H:%M') UTC"
for round in $(seq 1 "$ROUNDS"); do
    echo "== round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$REPO" && dotnet "$BENCH" models --runs "$RUNS" --warmup "$WARMUP" --data "$DATA") | tee "$WORK/rapport.txt" | grep -E '^(summary|models|fit) '
    "$PYTHON" "$REPO/bench/models-reference.py" --runs "$RUNS" --warmup "$WARMUP" --data "$DATA" | tee "$WORK/reference.txt" | grep -E '^(note|reference|ref) '
    awk '
        function field(name,   i) { for (i = 1; i <= NF; i++) if (index($i, name "=") == 1) return substr($i, length(name) + 2); return "" }
        $1 == "fit" { rapport[$2] = field("median_ms") }
        $1 == "ref" { reference[$2] = field("median_ms"); impl = field("impl") }
        END {
            split("bgnbd paretonbd gammagamma", order, " ")
            target["bgnbd"] = 20; target["paretonbd"] = 100; target["gammagamma"] = 10
            printf "| fit | Rapport median | target | reference median (%s) | ratio |\n|---|---:|---:|---:|---:|\n", impl
            for (i = 1; i <= 3; i++) {
                name = order[i]
                printf "| %s | %.2f ms | ≤ %d ms (%s) | %.2f ms | %.1f |\n", name, rapport[name], target[name],
                    (rapport[name] + 0 <= target[name] ? "met" : "missed"), reference[name], reference[name] / rapport[name]
            }
        }' "$WORK/rapport.txt" "$WORK/reference.txt"
    echo "load average after the round: $(cut -d' ' -f1-3 /proc/loadavg)"
done
