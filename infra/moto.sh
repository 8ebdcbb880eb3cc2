#!/usr/bin/env bash
# Local moto server (DynamoDB, SQS, Secrets Manager) for adapter/e2e tests.
#   infra/moto.sh start   start on a free 127.0.0.1 port (no-op if already running)
#   infra/moto.sh stop    stop the recorded process (idempotent)
#   infra/moto.sh env     print export lines for the AWS SDK
# State lives in .moto/ (pid, port, moto.log).
set -euo pipefail
cd "$(dirname "$0")/.."

# MOTO_STATE_DIR gives each caller its own server (infra/with-moto.sh uses a fresh one per run).
DIR="${MOTO_STATE_DIR:-.moto}"
PID_FILE="$DIR/pid"
PORT_FILE="$DIR/port"
LOG_FILE="$DIR/moto.log"

# True if the recorded PID is alive and still our moto server (guards against PID reuse).
is_running() {
    [ -f "$PID_FILE" ] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    case "$(ps -p "$pid" -o args= 2>/dev/null)" in
        *moto_serial.py*) return 0 ;;
        *) return 1 ;;
    esac
}

answers() {
    python3 - "$1" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1).read(1)
except Exception:
    sys.exit(1)
PY
}

start() {
    if is_running; then
        if [ -f "$PORT_FILE" ] && answers "$(cat "$PORT_FILE")"; then
            echo "moto already running on 127.0.0.1:$(cat "$PORT_FILE") (pid $(cat "$PID_FILE"))"
            return 0
        fi
        stop # recorded process is alive but not answering: replace it
    fi
    bash infra/venv.sh
    mkdir -p "$DIR"
    rm -f "$PID_FILE" "$PORT_FILE"

    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

    # Started directly (no subshell/nohup wrapper) so $! is the moto python process itself.
    # moto_serial.py: moto's server with requests processed one at a time (see the file).
    MOTO_PORT="$port" .venv/bin/python infra/moto_serial.py 127.0.0.1 "$port" >"$LOG_FILE" 2>&1 </dev/null &
    local pid=$!
    disown "$pid" 2>/dev/null || true
    echo "$pid" >"$PID_FILE"
    echo "$port" >"$PORT_FILE"

    local deadline=$((SECONDS + 20))
    until answers "$port"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "moto.sh: moto_server exited during startup; log tail:" >&2
            tail -n 30 "$LOG_FILE" >&2 || true
            rm -f "$PID_FILE" "$PORT_FILE"
            exit 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "moto.sh: moto_server did not answer on 127.0.0.1:$port within 20 s; log tail:" >&2
            tail -n 30 "$LOG_FILE" >&2 || true
            kill "$pid" 2>/dev/null || true
            rm -f "$PID_FILE" "$PORT_FILE"
            exit 1
        fi
        sleep 0.2
    done
    echo "moto running on 127.0.0.1:$port (pid $pid)"
}

stop() {
    if is_running; then
        local pid
        pid="$(cat "$PID_FILE")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$PID_FILE" "$PORT_FILE"
}

env_lines() {
    if ! is_running || [ ! -f "$PORT_FILE" ]; then
        echo "moto.sh: moto is not running; run 'infra/moto.sh start' first" >&2
        exit 1
    fi
    local port
    port="$(cat "$PORT_FILE")"
    echo "export AWS_ENDPOINT_URL=http://127.0.0.1:$port"
    echo "export AWS_REGION=eu-north-1"
    echo "export AWS_ACCESS_KEY_ID=test"
    echo "export AWS_SECRET_ACCESS_KEY=test"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) env_lines ;;
    *)
        echo "usage: $0 start|stop|env" >&2
        exit 2
        ;;
esac
