# Shared by the shell benchmarks: source it after setting WORK (a fresh temp folder), REPO and URL.
#   require TOOL...          fail unless every tool is on PATH
#   log MESSAGE              a timestamped line on stderr
#   build_app                publish Release into $WORK/app (bin/obj under $RAPPORT_BUILD_ROOT, default $WORK/build); sets APP
#   start_server LOG         run "$APP serve" on $URL in the background and wait until /health answers
#   stop_server              stop it (also on exit, with the work folder removed unless KEEP=1)

SERVER_PID=""

require() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "error: $tool is required" >&2; exit 1; }
    done
}

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

cleanup() {
    stop_server
    if [[ "${KEEP:-0}" != "1" ]]; then
        rm -rf "$WORK"
    else
        echo "kept: $WORK" >&2
    fi
}
trap cleanup EXIT

build_app() {
    # Build outputs go to their own folder so that a shared checkout's bin/obj are not touched (see Directory.Build.props).
    export RAPPORT_BUILD_ROOT="${RAPPORT_BUILD_ROOT:-$WORK/build}"
    log "building Release into $WORK/app"
    dotnet publish "$REPO/src/Rapport/Rapport.csproj" -c Release -o "$WORK/app" --nologo -v quiet >"$WORK/build.log" 2>&1 \
        || { cat "$WORK/build.log" >&2; exit 1; }
    APP="$WORK/app/rapport"
}

start_server() {
    local server_log="$1"
    "$APP" serve --urls "$URL" >"$server_log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 120); do
        curl -fs "$URL/health" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$server_log" >&2; exit 1; }
        sleep 0.5
    done
    echo "error: server did not become healthy" >&2
    cat "$server_log" >&2
    exit 1
}
