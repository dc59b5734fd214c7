#!/usr/bin/env bash
# A/B of two promptwall builds on the same host, alternating short latency runs so that drifts
# of a shared machine hit both sides alike.
#
#   bash bench/ab.sh /tmp/pw-old target/release/promptwall        # defaults below
#   AB_ROUNDS=6 AB_SECS=5 AB_KIND=sse BENCH_FINDINGS=1 BENCH_ECHO=1 bash bench/ab.sh A B
#   AB_EXTRA_B=$'[policy]\nrestore = false' bash bench/ab.sh BIN BIN   # one build, two configs
#   AB_ENV_B="PROMPTWALL_WORKERS=1" bash bench/ab.sh BIN BIN  # one build, two environments
#   AB_DUMP=/tmp/ab bash bench/ab.sh A B   # also keep every request (loadgen --dump) per side/round
#
# Starts examples/mock_upstream (MOCK_CHUNKS SSE chunks; MOCK_ECHO=BENCH_ECHO) and both builds
# with the bench config of bench/load.sh, then per round runs examples/loadgen (open loop,
# AB_RATE req/s evenly over AB_CONNS keep-alive connections, AB_SECS s) against A, then B
# (the order flips every round), and prints one line per run, each proxy's CPU time per
# request over all rounds, and the median of each side's p50, p90, p99 and TTFB p50 (µs).
# Latencies are end to end (client to mock and back through the proxy); subtract a direct run
# of load.sh for "added" figures.
# Build the examples first: cargo build --release --example mock_upstream --example loadgen
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
A="${1:?usage: bench/ab.sh BIN_A BIN_B}"
B="${2:?usage: bench/ab.sh BIN_A BIN_B}"
ROUNDS="${AB_ROUNDS:-6}"
SECS="${AB_SECS:-5}"
RATE="${AB_RATE:-200}"
CONNS="${AB_CONNS:-4}"
KIND="${AB_KIND:-json}"
export MOCK_CHUNKS="${MOCK_CHUNKS:-20}"

# shellcheck source=bench/common.sh
source bench/common.sh

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    local rc=$?
    if [ "${#PIDS[@]}" -gt 0 ]; then kill "${PIDS[@]}" 2>/dev/null || true; fi
    wait 2>/dev/null || true
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

MOCK_PORT="$(free_port)"
MOCK_ECHO="${BENCH_ECHO:-0}" target/release/examples/mock_upstream "127.0.0.1:$MOCK_PORT" \
    2>"$WORK/mock.log" &
PIDS+=("$!")
declare -A PORT PROC
for side in A B; do
    PORT[$side]="$(free_port)"
    extra="${AB_EXTRA_A:-}"
    [ "$side" = B ] && extra="${AB_EXTRA_B:-}"
    bench_config "$WORK/$side.toml" "${PORT[$side]}" "$MOCK_PORT" "$extra"
    bin="$A"
    side_env="${AB_ENV_A:-}"
    if [ "$side" = B ]; then
        bin="$B"
        side_env="${AB_ENV_B:-}"
    fi
    # shellcheck disable=SC2086 # AB_ENV_* is a list of NAME=value words
    env PW_BENCH_OPENAI_KEY="upstream-bench-key" RUST_LOG="${RUST_LOG:-warn}" $side_env \
        "$bin" serve --config "$WORK/$side.toml" >"$WORK/$side.log" 2>&1 &
    PIDS+=("$!")
    PROC[$side]="$!"
done
for port in "$MOCK_PORT" "${PORT[A]}" "${PORT[B]}"; do
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
        sleep 0.1
    done
done
BENCH_FINDINGS="${BENCH_FINDINGS:-0}" python3 bench/bodies.py "$WORK" 2>/dev/null
sleep 2 # the phone-metadata warm-up thread of both proxies

run() { # run SIDE ROUND -> "p50 p90 p99 ttfb"
    local dump=()
    [ -n "${AB_DUMP:-}" ] && mkdir -p "$AB_DUMP" && dump=(--dump "$AB_DUMP/$1-$2.txt")
    target/release/examples/loadgen "${dump[@]}" --url "http://127.0.0.1:${PORT[$1]}/openai/v1/chat/completions" \
        --body "$WORK/$KIND.json" --rate "$RATE" --secs "$SECS" --warmup 1 --conns "$CONNS" \
        -H 'Content-Type: application/json' -H "Authorization: Bearer $TENANT_KEY" |
        tr ' ' '\n' | awk -F= '{v[$1]=$2} END {print v["last_p50"], v["last_p90"], v["last_p99"], v["first_p50"]}'
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A CPU0
for side in A B; do CPU0[$side]="$(cpu_ticks "${PROC[$side]}")"; done
for r in $(seq 1 "$ROUNDS"); do
    order="A B"
    [ $((r % 2)) -eq 0 ] && order="B A"
    for side in $order; do
        line="$(run "$side" "$r")"
        echo "$side $line" >>"$WORK/results"
        printf 'round %d %s: p50 p90 p99 first-byte p50 (µs) = %s\n' "$r" "$side" "$line"
    done
done
TICK="$(getconf CLK_TCK)"
for side in A B; do
    # CPU time of the proxy process (user + system) per request over all rounds, warm-ups included.
    used=$(( $(cpu_ticks "${PROC[$side]}") - CPU0[$side] ))
    reqs=$(( ROUNDS * RATE * (SECS + 1) ))
    printf '%s CPU per request: %d µs (%d requests)\n' "$side" "$(( used * 1000000 / TICK / reqs ))" "$reqs"
done
for side in A B; do
    printf '%s median over %d rounds: ' "$side" "$ROUNDS"
    awk -v s="$side" '$1 == s {print $2, $3, $4, $5}' "$WORK/results" | python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
cols = list(zip(*rows))
print(" ".join(f"{n}={statistics.median(c):.0f}" for n, c in zip(("p50", "p90", "p99", "ttfb_p50"), cols)))'
done
