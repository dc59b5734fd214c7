#!/usr/bin/env bash
# Load benchmark: what promptwall adds on top of a direct call, on loopback.
#
#   bash bench/load.sh            # defaults: 10 s per run, 200 req/s fixed rate, 32 connections
#   BENCH_SECS=15 BENCH_RATE=400 BENCH_CONNS=64 bash bench/load.sh
#   BENCH_FINDINGS=1 bash bench/load.sh   # body with ~10 PII/secret findings (sanitize + restore)
#
# Builds release (promptwall + examples/mock_upstream.rs), starts the mock upstream and promptwall
# with a generated bench config, and for a 4 KB chat-completions body measures, direct-to-mock vs
# through-promptwall, non-streaming and streaming (SSE, MOCK_CHUNKS chunks):
#   - latency p50/p99 at a fixed moderate rate (hey -q, rate per worker x workers)
#   - throughput at saturation (wrk, fixed connections)
# and prints a markdown table. Load generator, mock and proxy share the machine's cores, so the
# saturation figures are a lower bound for promptwall on a dedicated host.
#
# Fairness notes: both paths use the same generator settings and keep-alive connections (hey and
# wrk reuse connections; promptwall pools its upstream connections). hey reports latency in
# 0.1 ms steps. The mock emits all MOCK_CHUNKS SSE chunks at once, so the direct path writes them
# in one syscall, while promptwall (like any streaming proxy) forwards and flushes chunk by chunk
# (~1 writev per chunk, see bench/results/): the SSE saturation ratio therefore measures the
# per-chunk flush cost, which a real LLM stream (chunks tens of ms apart) pays on both paths.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SECS="${BENCH_SECS:-10}"
RATE="${BENCH_RATE:-200}"        # total requests/s for the latency runs
WORKERS="${BENCH_WORKERS:-10}"   # hey workers for the latency runs (RATE must divide by it)
CONNS="${BENCH_CONNS:-32}"       # wrk connections for the saturation runs
THREADS="${BENCH_THREADS:-2}"
export MOCK_CHUNKS="${MOCK_CHUNKS:-20}"

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "installing $1 (Debian package)" >&2
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
    fi
}
need wrk
need hey
need curl

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "building release (promptwall + mock_upstream example)..." >&2
cargo build --release --locked --bin promptwall --example mock_upstream >&2

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    local rc=$?
    if [ "${#PIDS[@]}" -gt 0 ]; then
        kill "${PIDS[@]}" 2>/dev/null || echo "cleanup: a bench process had already exited" >&2
    fi
    wait
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

MOCK_PORT="$(free_port)"
PW_PORT="$(free_port)"
TENANT_KEY="pw-bench-tenant-key"
TENANT_SHA="$(printf %s "$TENANT_KEY" | sha256sum | cut -d' ' -f1)"

target/release/examples/mock_upstream "127.0.0.1:$MOCK_PORT" 2>"$WORK/mock.log" &
PIDS+=("$!")

cat >"$WORK/bench.toml" <<TOML
listen = "127.0.0.1:$PW_PORT"

[[provider]]
name = "openai"
kind = "openai"
base_url = "http://127.0.0.1:$MOCK_PORT"
api_key_env = "PW_BENCH_OPENAI_KEY"
models = ["gpt-4o*"]

[[tenant]]
id = "bench"
api_key_sha256 = ["$TENANT_SHA"]
providers = ["openai"]
TOML

PW_BENCH_OPENAI_KEY="upstream-bench-key" RUST_LOG="${RUST_LOG:-warn}" \
    target/release/promptwall serve --config "$WORK/bench.toml" >"$WORK/promptwall.log" 2>&1 &
PIDS+=("$!")

wait_up() {
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "not up: $1" >&2
    cat "$WORK"/*.log >&2
    exit 1
}
wait_up "http://127.0.0.1:$MOCK_PORT/healthz"
wait_up "http://127.0.0.1:$PW_PORT/healthz"

# A 4 KB chat body of plain prose (nothing for the detectors to redact), or with
# BENCH_FINDINGS=1 the same prose with ~10 findings spread through it (default policy:
# PII pseudonymized and restored, secrets redacted).
BENCH_FINDINGS="${BENCH_FINDINGS:-0}" python3 - "$WORK" <<'PY'
import json, os, sys
work = sys.argv[1]
para = ("The quarterly planning meeting covered the roadmap for the search team, the migration of "
        "the reporting jobs to the new scheduler, and a review of the onboarding documentation. ")
findings = [
    "Dear John Smith, thanks for the notes. ",
    "My name is Maria Silva and my email is maria.silva@acme-corp.io. ",
    "Call me on +351 912 345 678 if needed. ",
    "The customer wrote from 81.2.69.142 yesterday. ",
    "Refund to IBAN GB82 WEST 1234 5698 7654 32 please. ",
    "The card on file is 4111 1111 1111 1111. ",
    "Config had password=Tr0ub4dor&3xKq9 in it. ",
    "DATABASE_URL=postgres://app:S3cr3tPassw0rd@db.internal:5432/prod ",
    "Escalate to ops-lead@acme-corp.io. ",
]
text = ""
i = 0
while len(text) < 3900:
    text += para
    if os.environ.get("BENCH_FINDINGS") == "1" and i < len(findings):
        text += findings[i]
        i += 1
for name, stream in (("json", False), ("sse", True)):
    body = {"model": "gpt-4o-mini", "stream": stream,
            "messages": [{"role": "system", "content": "You are a concise assistant."},
                         {"role": "user", "content": "Summarise these notes: " + text[:3900]}]}
    data = json.dumps(body).encode()
    open(f"{work}/{name}.json", "wb").write(data)
    print(f"{name} body: {len(data)} bytes", file=sys.stderr)
PY

DIRECT="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
PROXY="http://127.0.0.1:$PW_PORT/openai/v1/chat/completions"

# Sanity: both paths answer 200 for both bodies before measuring anything.
for url in "$DIRECT" "$PROXY"; do
    for kind in json sse; do
        code="$(curl -sS -o "$WORK/sanity.out" -w '%{http_code}' -H "Authorization: Bearer $TENANT_KEY" \
            -H 'Content-Type: application/json' --data-binary "@$WORK/$kind.json" "$url")"
        if [ "$code" != "200" ]; then
            echo "sanity check failed: $url ($kind) -> $code" >&2
            cat "$WORK/sanity.out" >&2
            exit 1
        fi
    done
done

cat >"$WORK/post.lua" <<LUA
local f = io.open(os.getenv("BODY_FILE"), "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TENANT_KEY"
LUA

# latency URL BODY -> "p50_ms p99_ms"  (fixed rate, every response must be a 200)
latency() {
    local out="$WORK/hey.out"
    hey -z "${SECS}s" -c "$WORKERS" -q "$((RATE / WORKERS))" -m POST -T application/json \
        -H "Authorization: Bearer $TENANT_KEY" -D "$2" "$1" >"$out"
    if ! awk '/^[ \t]+\[[0-9]+\]/ { seen = 1; if ($1 != "[200]") bad = 1 } END { exit !(seen && !bad) }' "$out" \
        || grep -q 'Error distribution' "$out"; then
        echo "non-200 responses or errors during latency run for $1:" >&2
        cat "$out" >&2
        exit 1
    fi
    awk '/ 50% in / {p50=$3*1000} / 99% in / {p99=$3*1000} END {printf "%.3f %.3f\n", p50, p99}' "$out"
}

# throughput URL BODY -> "req_per_s"  (saturation, no non-2xx allowed)
throughput() {
    local out="$WORK/wrk.out"
    BODY_FILE="$2" wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" -s "$WORK/post.lua" "$1" >"$out"
    if grep -qE 'Non-2xx|Socket errors' "$out"; then
        echo "errors during throughput run for $1:" >&2
        cat "$out" >&2
        exit 1
    fi
    awk '/^Requests\/sec:/ {print $2}' "$out"
}

declare -A R
for kind in json sse; do
    for side in direct proxy; do
        url="$DIRECT"; [ "$side" = proxy ] && url="$PROXY"
        echo "run: $kind $side latency @ ${RATE} req/s for ${SECS}s" >&2
        R["$kind.$side.lat"]="$(latency "$url" "$WORK/$kind.json")"
        echo "run: $kind $side saturation, ${CONNS} connections for ${SECS}s" >&2
        R["$kind.$side.rps"]="$(throughput "$url" "$WORK/$kind.json")"
    done
done

LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo
BODY_KIND="no findings"; [ "${BENCH_FINDINGS:-0}" = 1 ] && BODY_KIND="~10 findings, default policy"
echo "promptwall $(git rev-parse --short HEAD) · $(nproc) cores ($CPU) · loopback · 4 KB chat body ($BODY_KIND) ·" \
     "streaming = ${MOCK_CHUNKS} SSE chunks · ${SECS} s per run · latency at ${RATE} req/s (hey), throughput at ${CONNS} connections (wrk) · load average at the end: $LOAD"
echo
echo "| Mode | p50 direct | p50 via promptwall | p50 added | p99 direct | p99 via promptwall | p99 added | req/s direct | req/s via promptwall | throughput ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for kind in json sse; do
    read -r dp50 dp99 <<<"${R[$kind.direct.lat]}"
    read -r pp50 pp99 <<<"${R[$kind.proxy.lat]}"
    drps="${R[$kind.direct.rps]}"; prps="${R[$kind.proxy.rps]}"
    label="non-streaming"; [ "$kind" = sse ] && label="streaming (SSE)"
    awk -v l="$label" -v dp50="$dp50" -v pp50="$pp50" -v dp99="$dp99" -v pp99="$pp99" -v d="$drps" -v p="$prps" 'BEGIN {
        printf "| %s | %.2f ms | %.2f ms | %+.2f ms | %.2f ms | %.2f ms | %+.2f ms | %.0f | %.0f | %.2f |\n",
            l, dp50, pp50, pp50 - dp50, dp99, pp99, pp99 - dp99, d, p, (d > 0 ? p / d : 0) }'
done
echo
echo "Command: \`BENCH_SECS=$SECS BENCH_RATE=$RATE BENCH_WORKERS=$WORKERS BENCH_CONNS=$CONNS MOCK_CHUNKS=$MOCK_CHUNKS bash bench/load.sh\`"
