#!/usr/bin/env bash
# Instructions per proxied request (callgrind), the machine-independent cost figure.
#
#   bash bench/callgrind_request.sh                 # no findings: non-streaming and SSE
#   BENCH_FINDINGS=1 bash bench/callgrind_request.sh  # the ~10-findings body of bench/load.sh
#   CG_REQUESTS=2000 CG_WARMUP=200 bash bench/callgrind_request.sh
#   CG_KINDS=sse bash bench/callgrind_request.sh    # only one mode (json or sse)
#   CG_NOBUILD=1 ...                                # use target/release as it is
#   CG_BIN=/path/to/promptwall ...                  # measure another build (implies CG_NOBUILD)
#
# Starts examples/mock_upstream (MOCK_CHUNKS SSE chunks, default 20) and promptwall under
# `valgrind --tool=callgrind` with the bench config of bench/load.sh (RUST_LOG=warn), then per
# mode: CG_WARMUP requests (connections, pools, lazy statics), `callgrind_control -z`,
# CG_REQUESTS requests with `hey -c 4` (keep-alive), `callgrind_control -d`. The figure is that
# dump's total Ir (every thread of the proxy process) divided by CG_REQUESTS. The dumps stay in
# CG_OUT (default target/callgrind) for `callgrind_annotate --inclusive=yes FILE`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# hey sends a multiple of its concurrency (4)
N=$(( ${CG_REQUESTS:-500} / 4 * 4 ))
WARM=$(( ${CG_WARMUP:-100} / 4 * 4 ))
KINDS="${CG_KINDS:-json sse}"
OUT="${CG_OUT:-$ROOT/target/callgrind}"
export MOCK_CHUNKS="${MOCK_CHUNKS:-20}"
FINDINGS="${BENCH_FINDINGS:-0}"
mkdir -p "$OUT"

for tool in valgrind callgrind_control hey curl python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done

PW_BIN="${CG_BIN:-target/release/promptwall}"
if [ -z "${CG_NOBUILD:-}${CG_BIN:-}" ]; then
    cargo build --release --locked --bin promptwall --example mock_upstream >&2
fi

# shellcheck source=bench/common.sh
source bench/common.sh

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    local rc=$?
    if [ "${#PIDS[@]}" -gt 0 ]; then
        kill "${PIDS[@]}" 2>/dev/null || true
    fi
    wait 2>/dev/null || true
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

MOCK_PORT="$(free_port)"
PW_PORT="$(free_port)"

target/release/examples/mock_upstream "127.0.0.1:$MOCK_PORT" 2>"$WORK/mock.log" &
PIDS+=("$!")

bench_config "$WORK/bench.toml" "$PW_PORT" "$MOCK_PORT"

BENCH_FINDINGS="$FINDINGS" python3 bench/bodies.py "$WORK"

TAG="f$FINDINGS"
env PW_BENCH_OPENAI_KEY="upstream-bench-key" RUST_LOG=warn \
    valgrind --tool=callgrind --callgrind-out-file="$OUT/pw-$TAG.%p.out" \
    "$PW_BIN" serve --config "$WORK/bench.toml" >"$WORK/promptwall.log" 2>&1 &
PW_PID="$!"
PIDS+=("$PW_PID")

for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PW_PORT/healthz" 2>/dev/null && break
    sleep 0.2
done
curl -fsS -o /dev/null "http://127.0.0.1:$PW_PORT/healthz"

# Start-up work off the request path (the phone-metadata warm-up thread) must be over before
# anything is counted: wait until the idle proxy burns no CPU for two samples in a row.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PW_PID/stat"; }
quiet=0
for _ in $(seq 1 600); do
    a="$(cpu_ticks)"; sleep 0.5; b="$(cpu_ticks)"
    if [ "$((b - a))" -le 1 ]; then quiet=$((quiet + 1)); else quiet=0; fi
    [ "$quiet" -ge 2 ] && break
done

URL="http://127.0.0.1:$PW_PORT/openai/v1/chat/completions"
drive() { # drive N BODYFILE
    hey -n "$1" -c 4 -m POST -T application/json -H "Authorization: Bearer $TENANT_KEY" \
        -D "$2" "$URL" >"$WORK/hey.out"
    if ! grep -q "\[200\]	$1 responses" "$WORK/hey.out"; then
        echo "not every response was a 200:" >&2
        cat "$WORK/hey.out" >&2
        exit 1
    fi
}

for kind in $KINDS; do
    body="$WORK/$kind.json"
    drive "$WARM" "$body"
    callgrind_control -z "$PW_PID" >/dev/null
    drive "$N" "$body"
    callgrind_control -d "cg-$kind" "$PW_PID" >/dev/null
    sleep 0.5
    dump="$(ls -t "$OUT"/pw-$TAG."$PW_PID".out.* | head -1)"
    total="$(awk '/^summary:/ {print $2}' "$dump")"
    cp "$dump" "$OUT/pw-$TAG-$kind.out"
    printf '%s findings=%s: %d Ir/request (%s requests, dump %s)\n' \
        "$kind" "$FINDINGS" "$((total / N))" "$N" "$OUT/pw-$TAG-$kind.out"
done
