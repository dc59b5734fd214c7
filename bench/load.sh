#!/usr/bin/env bash
# Load benchmark: what promptwall adds on top of a direct call, on loopback, next to what the
# thinnest proxy in the same stack adds (examples/null_proxy.rs: hyper server + the same reqwest
# client, body forwarded unparsed, no auth/JSON/detection).
#
#   bash bench/load.sh            # defaults: 10 s per run, 200 req/s over 4 connections, wrk at 32
#   BENCH_SECS=15 BENCH_RATE=400 BENCH_LAT_CONNS=8 BENCH_CONNS=64 bash bench/load.sh
#   BENCH_FINDINGS=1 bash bench/load.sh   # body with ~10 PII/secret findings (sanitize + restore)
#   BENCH_REFERENCE=nginx bash bench/load.sh   # also nginx (Debian package) as a proxy reference
#   BENCH_PW_WORKERS=1 bash bench/load.sh      # promptwall with 1 worker thread (PROMPTWALL_WORKERS)
#   BENCH_PW_BIN=/tmp/pw-old bash bench/load.sh # another promptwall build (A/B on the same host)
#   BENCH_ECHO=1 bash bench/load.sh     # the mock answers with the prompt's text (MOCK_ECHO=1):
#                                       # with BENCH_FINDINGS=1 the answer carries every placeholder
#                                       # promptwall put in, split across SSE chunks, so restoration works
#   BENCH_LAT_ROUNDS=5 bash bench/load.sh # latency in 5 interleaved rounds per path (default 3)
#   BENCH_NORESTORE=1 bash bench/load.sh  # also promptwall with restore = false and
#                                       # scan_responses = "off": the A/B of the response path alone
#
# Builds release (promptwall + examples mock_upstream, null_proxy, loadgen), starts the mock
# upstream, the null proxy and promptwall with a generated bench config, and for a 4 KB
# chat-completions body measures, direct-to-mock vs through each proxy, non-streaming and
# streaming (SSE, MOCK_CHUNKS chunks):
#   - latency at a fixed moderate rate with examples/loadgen.rs: open loop, requests spread
#     evenly over time (no bursts), BENCH_LAT_CONNS keep-alive connections, microsecond
#     resolution; p50/p90/p99/max to the last byte, and for streaming the time to first byte;
#     every path in BENCH_LAT_ROUNDS interleaved rounds (medians), all before any saturation run
#   - CPU time per request of the serving process during the latency run (/proc/PID/stat
#     user+system of the mock, the proxy, or nginx with its workers): what one hop costs
#   - throughput at saturation (wrk, fixed connections)
# and prints a markdown table. Load generator, mock and proxy share the machine's cores, so the
# saturation figures are a lower bound for promptwall on a dedicated host; the null-proxy row
# shows the bound that applies to ANY proxy hop on the same cores.
#
# Fairness notes: every path uses the same generator settings and keep-alive connections
# (loadgen and wrk reuse connections; both proxies pool their upstream connections). The mock
# emits all MOCK_CHUNKS SSE chunks at once, so the direct path writes them in one syscall, while
# a streaming proxy forwards chunks as its upstream client hands them over: the SSE saturation
# ratio therefore includes a per-chunk cost that a real LLM stream (chunks tens of ms apart)
# pays on both paths.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SECS="${BENCH_SECS:-10}"
RATE="${BENCH_RATE:-200}"          # total requests/s for the latency runs (spread evenly)
LAT_CONNS="${BENCH_LAT_CONNS:-4}"  # loadgen keep-alive connections for the latency runs
CONNS="${BENCH_CONNS:-32}"         # wrk connections for the saturation runs
REFERENCE="${BENCH_REFERENCE:-}"   # "nginx": add nginx as a second proxy reference
PW_WORKERS="${BENCH_PW_WORKERS:-}" # promptwall worker threads (empty: one per core)
THREADS="${BENCH_THREADS:-2}"
PW_BIN="${BENCH_PW_BIN:-target/release/promptwall}"
export MOCK_CHUNKS="${MOCK_CHUNKS:-20}"
ECHO="${BENCH_ECHO:-0}"
NORESTORE="${BENCH_NORESTORE:-0}"
LAT_ROUNDS="${BENCH_LAT_ROUNDS:-3}" # latency rounds per path (see below)

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
need curl
[ "$REFERENCE" = nginx ] && need nginx

# shellcheck source=bench/common.sh
source bench/common.sh

echo "building release (promptwall + examples mock_upstream, null_proxy, loadgen)..." >&2
cargo build --release --locked --bin promptwall --example mock_upstream --example null_proxy \
    --example loadgen >&2

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
NULL_PORT="$(free_port)"
NGINX_PORT="$(free_port)"
PWNR_PORT="$(free_port)"

declare -A PID
MOCK_ECHO="$ECHO" target/release/examples/mock_upstream "127.0.0.1:$MOCK_PORT" 2>"$WORK/mock.log" &
PIDS+=("$!")
PID[direct]="$!"

bench_config "$WORK/bench.toml" "$PW_PORT" "$MOCK_PORT"

target/release/examples/null_proxy "127.0.0.1:$NULL_PORT" "http://127.0.0.1:$MOCK_PORT" \
    2>"$WORK/null_proxy.log" &
PIDS+=("$!")
PID[null]="$!"

if [ "$REFERENCE" = nginx ]; then
    mkdir -p "$WORK/nginx"
    cat >"$WORK/nginx.conf" <<NGINX
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    upstream mock { server 127.0.0.1:$MOCK_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://mock;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }
    }
}
NGINX
    "$(command -v nginx || echo /usr/sbin/nginx)" -c "$WORK/nginx.conf" -e "$WORK/nginx/error.log" \
        2>"$WORK/nginx.log" &
    PIDS+=("$!")
    PID[nginx]="$!"
fi

env PW_BENCH_OPENAI_KEY="upstream-bench-key" RUST_LOG="${RUST_LOG:-warn}" ${PW_WORKERS:+PROMPTWALL_WORKERS=$PW_WORKERS} \
    "$PW_BIN" serve --config "$WORK/bench.toml" >"$WORK/promptwall.log" 2>&1 &
PIDS+=("$!")
PID[promptwall]="$!"

if [ "$NORESTORE" = 1 ]; then
    bench_config "$WORK/bench-norestore.toml" "$PWNR_PORT" "$MOCK_PORT" \
        "$(printf '[policy]\nrestore = false\nscan_responses = "off"')"
    env PW_BENCH_OPENAI_KEY="upstream-bench-key" RUST_LOG="${RUST_LOG:-warn}" ${PW_WORKERS:+PROMPTWALL_WORKERS=$PW_WORKERS} \
        "$PW_BIN" serve --config "$WORK/bench-norestore.toml" >"$WORK/promptwall-norestore.log" 2>&1 &
    PIDS+=("$!")
    PID[pwnr]="$!"
fi

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
wait_up "http://127.0.0.1:$NULL_PORT/healthz"
[ "$REFERENCE" = nginx ] && wait_up "http://127.0.0.1:$NGINX_PORT/healthz"
[ "$NORESTORE" = 1 ] && wait_up "http://127.0.0.1:$PWNR_PORT/healthz"

# A 4 KB chat body of plain prose (nothing for the detectors to redact), or with
# BENCH_FINDINGS=1 the same prose with ~10 findings spread through it (default policy:
# PII pseudonymized and restored, secrets redacted).
BENCH_FINDINGS="${BENCH_FINDINGS:-0}" python3 bench/bodies.py "$WORK"

declare -A URL=(
    [direct]="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
    [null]="http://127.0.0.1:$NULL_PORT/v1/chat/completions"
    [nginx]="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
    [promptwall]="http://127.0.0.1:$PW_PORT/openai/v1/chat/completions"
    [pwnr]="http://127.0.0.1:$PWNR_PORT/openai/v1/chat/completions"
)
declare -A LABEL=([direct]="direct to mock" [null]="null proxy (reference)" [nginx]="nginx (reference)"
    [promptwall]="promptwall" [pwnr]="promptwall, restore + response scan off")
SIDES=(direct null)
[ "$REFERENCE" = nginx ] && SIDES+=(nginx)
SIDES+=(promptwall)
[ "$NORESTORE" = 1 ] && SIDES+=(pwnr)

# Sanity: every path answers 200 for both bodies before measuring anything.
for side in "${SIDES[@]}"; do
    url="${URL[$side]}"
    for kind in json sse; do
        code="$(curl -sS -o "$WORK/sanity.out" -w '%{http_code}' -H "Authorization: Bearer $TENANT_KEY" \
            -H 'Content-Type: application/json' --data-binary "@$WORK/$kind.json" "$url")"
        if [ "$code" != "200" ]; then
            echo "sanity check failed: $url ($kind) -> $code" >&2
            cat "$WORK/sanity.out" >&2
            exit 1
        fi
        # Echo mode with findings: a restoring path must hand back the PII of the prompt and no
        # pseudonym placeholder (proof that the restoration the figures include really ran).
        if [ "$ECHO" = 1 ] && [ "${BENCH_FINDINGS:-0}" = 1 ] && [ "$side" != pwnr ]; then
            python3 - "$WORK/sanity.out" "$kind" <<'PY' || { echo "echo sanity failed: $url ($kind)" >&2; exit 1; }
import json, re, sys
raw = open(sys.argv[1], encoding="utf-8").read()
if sys.argv[2] == "json":
    text = json.loads(raw)["choices"][0]["message"]["content"]
else:
    text = ""
    for line in raw.splitlines():
        if line.startswith("data: ") and line != "data: [DONE]":
            for c in json.loads(line[6:])["choices"]:
                text += c.get("delta", {}).get("content") or ""
ok = "maria.silva@acme-corp.io" in text and "John Smith" in text
ok = ok and not re.search(r"<[A-Z_]+_[0-9a-f]{4,}>", text)
sys.exit(0 if ok else 1)
PY
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

# latency URL BODY -> loadgen's key=value line (fixed rate spread evenly; exits non-zero
# unless every response is a 200)
latency() { # latency URL BODY SECS
    target/release/examples/loadgen --url "$1" --body "$2" --rate "$RATE" --secs "$3" \
        --warmup 1 --conns "$LAT_CONNS" -H 'Content-Type: application/json' \
        -H "Authorization: Bearer $TENANT_KEY"
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

# cpu_ticks PID -> user+system clock ticks of the process and its child processes (nginx workers)
CLK_TCK="$(getconf CLK_TCK)"
cpu_ticks() {
    local total=0 p
    for p in "$1" $(pgrep -P "$1" || true); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# Latency first, for every path, in rounds: each round runs every path for SECS / LAT_ROUNDS
# seconds (at least 2), in an order that rotates per round, so a drift of the shared machine
# (another tenant, frequency, the aftermath of a saturation run) hits every path alike instead
# of whichever path happens to run then. A path's percentiles are the medians of its rounds'
# (max: the largest; requests and late: sums). Saturation runs come after all latency runs.
ROUND_SECS=$(( SECS / LAT_ROUNDS ))
[ "$ROUND_SECS" -lt 2 ] && ROUND_SECS=2
declare -A R
for kind in json sse; do
    declare -A LINES=() TICKS=()
    n="${#SIDES[@]}"
    for r in $(seq 0 $((LAT_ROUNDS - 1))); do
        for i in $(seq 0 $((n - 1))); do
            side="${SIDES[$(( (i + r) % n ))]}"
            echo "run: $kind $side latency round $((r + 1))/$LAT_ROUNDS @ ${RATE} req/s over ${LAT_CONNS} connections for ${ROUND_SECS}s" >&2
            t0="$(cpu_ticks "${PID[$side]}")"
            line="$(latency "${URL[$side]}" "$WORK/$kind.json" "$ROUND_SECS")"
            t1="$(cpu_ticks "${PID[$side]}")"
            LINES[$side]="${LINES[$side]:-}$line"$'\n'
            TICKS[$side]=$(( ${TICKS[$side]:-0} + t1 - t0 ))
        done
    done
    for side in "${SIDES[@]}"; do
        R["$kind.$side.lat"]="$(printf '%s' "${LINES[$side]}" | python3 -c '
import statistics, sys
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in sys.stdin if l.strip()]
out = {}
for k in rows[0]:
    v = [int(r[k]) for r in rows]
    out[k] = sum(v) if k in ("requests", "late") else max(v) if k.endswith("_max") else round(statistics.median(v))
print(" ".join(f"{k}={v}" for k, v in out.items()))')"
        R["$kind.$side.cpu"]="$(( TICKS[$side] * 1000000 / CLK_TCK / RATE / ((ROUND_SECS + 1) * LAT_ROUNDS) ))"
    done
done
for kind in json sse; do
    for side in "${SIDES[@]}"; do
        echo "run: $kind $side saturation, ${CONNS} connections for ${SECS}s" >&2
        R["$kind.$side.rps"]="$(throughput "${URL[$side]}" "$WORK/$kind.json")"
    done
done

# field LINE KEY -> value of KEY=... in a loadgen line
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }

LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo
BODY_KIND="no findings"; [ "${BENCH_FINDINGS:-0}" = 1 ] && BODY_KIND="~10 findings, default policy"
[ "$ECHO" = 1 ] && BODY_KIND="$BODY_KIND; the mock echoes the prompt's text as the answer"
echo "promptwall $(git rev-parse --short HEAD)${BENCH_PW_BIN:+ (binary $BENCH_PW_BIN)} · $(nproc) cores ($CPU) · loopback · 4 KB chat body ($BODY_KIND) ·" \
     "streaming = ${MOCK_CHUNKS} SSE chunks · latency at ${RATE} req/s evenly over ${LAT_CONNS} connections (loadgen, µs), ${LAT_ROUNDS} interleaved rounds of ${ROUND_SECS} s per path (medians)," \
     "throughput ${SECS} s per path" \
     "at ${CONNS} connections (wrk) · promptwall worker threads: ${PW_WORKERS:-default} · load average at the end: $LOAD"
echo
echo "Latency to the last byte (streaming: and to the first byte, TTFB); \"added\" is against the direct row of the same mode." \
     "CPU/req: user+system CPU time of the serving process (direct: the mock; proxies: the proxy alone) per request during the latency run."
echo
echo "| Mode | Path | p50 | p90 | p99 | max | p50 added | p99 added | TTFB p50 | TTFB p50 added | CPU/req | late | req/s | throughput ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for kind in json sse; do
    d="${R[$kind.direct.lat]}"
    dp50="$(field "$d" last_p50)"; dp99="$(field "$d" last_p99)"; df50="$(field "$d" first_p50)"
    drps="${R[$kind.direct.rps]}"
    for side in "${SIDES[@]}"; do
        l="${R[$kind.$side.lat]}"
        label="non-streaming"; [ "$kind" = sse ] && label="streaming (SSE)"
        awk -v m="$label" -v s="${LABEL[$side]}" -v direct="$([ "$side" = direct ] && echo 1 || echo 0)" \
            -v p50="$(field "$l" last_p50)" -v p90="$(field "$l" last_p90)" -v p99="$(field "$l" last_p99)" \
            -v mx="$(field "$l" last_max)" -v f50="$(field "$l" first_p50)" -v late="$(field "$l" late)" \
            -v n="$(field "$l" requests)" -v cpu="${R[$kind.$side.cpu]}" -v dp50="$dp50" -v dp99="$dp99" -v df50="$df50" \
            -v d="$drps" -v p="${R[$kind.$side.rps]}" -v sse="$([ "$kind" = sse ] && echo 1 || echo 0)" 'BEGIN {
            ms = 1000
            if (direct) { a50 = "—"; a99 = "—"; af = "—" }
            else {
                a50 = sprintf("%+.3f ms", (p50 - dp50) / ms); a99 = sprintf("%+.3f ms", (p99 - dp99) / ms)
                af = sse ? sprintf("%+.3f ms", (f50 - df50) / ms) : "—"
            }
            tf = sse ? sprintf("%.3f ms", f50 / ms) : "—"
            printf "| %s | %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %s | %s | %s | %s | %d µs | %d/%d | %.0f | %.2f |\n",
                m, s, p50 / ms, p90 / ms, p99 / ms, mx / ms, a50, a99, tf, af, cpu, late, n, p, (d > 0 ? p / d : 0) }'
    done
done
echo
echo "Command: \`BENCH_FINDINGS=${BENCH_FINDINGS:-0} BENCH_SECS=$SECS BENCH_LAT_ROUNDS=$LAT_ROUNDS BENCH_RATE=$RATE BENCH_LAT_CONNS=$LAT_CONNS BENCH_CONNS=$CONNS" \
     "MOCK_CHUNKS=$MOCK_CHUNKS${REFERENCE:+ BENCH_REFERENCE=$REFERENCE}$([ "$ECHO" = 1 ] && echo ' BENCH_ECHO=1')$([ "$NORESTORE" = 1 ] && echo ' BENCH_NORESTORE=1')${PW_WORKERS:+ BENCH_PW_WORKERS=$PW_WORKERS} bash bench/load.sh\`"
