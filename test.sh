#!/usr/bin/env bash
# Runs every test Rapport has, the way CI does:
#   1. builds the solution once;
#   2. tests/Rapport.Tests on SQLite;
#   3. tests/Rapport.Tests again on a real PostgreSQL server (RAPPORT_TEST_DATABASE=postgres);
#   4. tests/Rapport.BrowserTests: Playwright driving the system Chromium against the real app on Kestrel.
# Runs that cannot run here (no PostgreSQL server, no Chromium) are skipped LOUDLY, unless
# RAPPORT_REQUIRE_POSTGRES=1 / RAPPORT_REQUIRE_BROWSER=1, which turn a missing server or browser into a failure.
#
# Settings (environment):
#   RAPPORT_TEST_POSTGRES     Npgsql connection string of a server where tests may create and drop databases
#                             (default Host=127.0.0.1;Username=postgres;Password=postgres)
#   RAPPORT_CHROMIUM          the Chromium executable (default /usr/bin/chromium)
#   RAPPORT_TEST_RESULTS      where TRX files and summary.tsv go (default ./TestResults)
#   RAPPORT_BUILD_ROOT        a separate bin/obj root (see Directory.Build.props)
# Arguments are passed to every `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Security").
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
root=$(pwd)

export RAPPORT_TEST_POSTGRES="${RAPPORT_TEST_POSTGRES:-Host=127.0.0.1;Username=postgres;Password=postgres}"
export RAPPORT_CHROMIUM="${RAPPORT_CHROMIUM:-/usr/bin/chromium}"
require_postgres="${RAPPORT_REQUIRE_POSTGRES:-0}"
require_browser="${RAPPORT_REQUIRE_BROWSER:-0}"
results="${RAPPORT_TEST_RESULTS:-$root/TestResults}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

mkdir -p "$results"
rm -f "$results"/*.trx "$results/summary.tsv"
printf 'run\tstatus\tpassed\tfailed\tskipped\tnote\n' >"$results/summary.tsv"

bold() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }
loud() {
  printf '\n\033[1;33m!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
  printf '!!! %s\n' "$@"
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\033[0m\n\n'
}
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results/summary.tsv"; }
summary() { awk -F'\t' '{ printf "%-10s %-8s %7s %7s %8s  %s\n", $1, $2, $3, $4, $5, $6 }' "$results/summary.tsv"; }

# Reads one attribute of the <Counters> element of a TRX file.
counter() { grep -o '<Counters [^>]*>' "$1" | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9]\+'; }

failures=0
skipped_runs=0
started=$SECONDS

# Runs one test project and records passed/failed/skipped from its TRX report.
run_suite() {
  local name=$1 project=$2
  shift 2
  bold "$name"
  local trx="$name.trx"
  local begin=$SECONDS
  dotnet test "$project" --no-build --nologo \
    --logger "trx;LogFileName=$trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" \
    --blame-hang-timeout 10m --blame-hang-dump-type none \
    "${extra_args[@]}"
  local code=$?
  local file="$results/$trx"
  if [[ ! -f "$file" ]]; then
    loud "$name: no test report was written (exit code $code): the test run crashed or did not start."
    record "$name" failed 0 0 0 "no TRX report"
    failures=$((failures + 1))
    return
  fi

  local total passed failed executed skipped
  total=$(counter "$file" total)
  executed=$(counter "$file" executed)
  passed=$(counter "$file" passed)
  failed=$(( $(counter "$file" failed) + $(counter "$file" error) + $(counter "$file" timeout) + $(counter "$file" aborted) ))
  skipped=$((total - executed))
  local status=passed note="$((SECONDS - begin)) s"
  if [[ $code -ne 0 || $failed -gt 0 ]]; then
    status=failed
    failures=$((failures + 1))
  fi

  record "$name" "$status" "$passed" "$failed" "$skipped" "$note"
  if [[ $skipped -gt 0 ]]; then
    local reasons
    reasons=$(grep -A3 'outcome="NotExecuted"' "$file" | grep -o '<Message>[^<]*' | sed 's/<Message>//' | sort | uniq -c)
    loud "$name: $skipped test(s) SKIPPED. Reasons:" "$reasons"
  fi
}

extra_args=("$@")

bold "build"
if ! dotnet build Rapport.slnx --nologo -v:q -clp:ErrorsOnly; then
  loud "The build failed; no tests were run."
  record build failed 0 0 0 "build failed"
  summary
  exit 1
fi

# 1. SQLite
run_suite sqlite tests/Rapport.Tests

# 2. PostgreSQL
# Prints host and port from an Npgsql connection string (defaults: 127.0.0.1, 5432).
postgres_endpoint() {
  local host=127.0.0.1 port=5432 part key value
  IFS=';' read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    key=$(printf '%s' "${part%%=*}" | tr -d ' ' | tr '[:upper:]' '[:lower:]')
    value=${part#*=}
    case "$key" in
      host | server) host=${value%%,*} ;;
      port) port=$value ;;
    esac
  done
  printf '%s %s\n' "$host" "$port"
}

postgres_answers() {
  local host=$1 port=$2
  if [[ $host == /* ]]; then
    [[ -S "$host/.s.PGSQL.$port" ]]
  else
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
  fi
}

read -r pg_host pg_port < <(postgres_endpoint "$RAPPORT_TEST_POSTGRES")
if ! postgres_answers "$pg_host" "$pg_port" && [[ $(id -u) -eq 0 ]] && command -v pg_lsclusters >/dev/null; then
  # A local Debian cluster on that port that is down: start it.
  read -r version cluster < <(pg_lsclusters --no-header 2>/dev/null | awk -v port="$pg_port" '$3 == port && $4 == "down" { print $1, $2; exit }')
  if [[ -n "${version:-}" ]]; then
    echo "Starting the local PostgreSQL cluster $version/$cluster on port $pg_port"
    pg_ctlcluster "$version" "$cluster" start || true
    for _ in $(seq 1 20); do
      postgres_answers "$pg_host" "$pg_port" && break
      sleep 0.5
    done
  fi
fi

# A run that cannot happen here: a failure when required, otherwise a loud skip.
cannot_run() {
  local name=$1 required=$2 why=$3 how=$4
  if [[ $required == 1 ]]; then
    loud "The $name run cannot happen: $why. It is required here: FAILED." "$how"
    record "$name" failed 0 0 0 "$why"
    failures=$((failures + 1))
  else
    loud "SKIPPED the $name run: $why." "$how CI runs it."
    record "$name" skipped 0 0 0 "$why"
    skipped_runs=$((skipped_runs + 1))
  fi
}

if postgres_answers "$pg_host" "$pg_port"; then
  RAPPORT_TEST_DATABASE=postgres run_suite postgres tests/Rapport.Tests
else
  cannot_run postgres "$require_postgres" "no PostgreSQL server answers at $pg_host:$pg_port"     "Start one (e.g. pg_ctlcluster 15 main start) or set RAPPORT_TEST_POSTGRES (an Npgsql connection string)."
fi

# 3. Browser
if [[ -x $RAPPORT_CHROMIUM ]]; then
  run_suite browser tests/Rapport.BrowserTests
else
  cannot_run browser "$require_browser" "no Chromium at $RAPPORT_CHROMIUM"     "Install it (apt-get install chromium) or set RAPPORT_CHROMIUM."
fi

bold "summary ($((SECONDS - started)) s; reports in $results)"
summary
if [[ $failures -gt 0 ]]; then
  printf '\n\033[1;31mFAILED: %d run(s) failed.\033[0m\n' "$failures"
  exit 1
fi

if [[ $skipped_runs -gt 0 ]]; then
  printf '\n\033[1;33mThe runs that ran passed, but %d run(s) were SKIPPED: this is not a full test.\033[0m\n' "$skipped_runs"
else
  printf '\n\033[1;32mAll runs passed.\033[0m\n'
fi
