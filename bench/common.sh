# Shared by bench/load.sh and bench/callgrind_request.sh (sourced, not run): the bench tenant,
# a free loopback port, and the promptwall config both benchmarks run with.

TENANT_KEY="pw-bench-tenant-key"
TENANT_SHA="$(printf %s "$TENANT_KEY" | sha256sum | cut -d' ' -f1)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# bench_config FILE PW_PORT MOCK_PORT [EXTRA]: one OpenAI-format provider on the mock upstream (key
# from PW_BENCH_OPENAI_KEY), one tenant; everything else on the defaults (detection, policy,
# scan_responses = "secrets"). EXTRA (optional TOML, e.g. a [policy] section) is appended.
bench_config() {
    cat >"$1" <<TOML
listen = "127.0.0.1:$2"

[[provider]]
name = "openai"
kind = "openai"
base_url = "http://127.0.0.1:$3"
api_key_env = "PW_BENCH_OPENAI_KEY"
models = ["gpt-4o*"]

[[tenant]]
id = "bench"
api_key_sha256 = ["$TENANT_SHA"]
providers = ["openai"]
TOML
    if [ -n "${4:-}" ]; then
        printf '\n%s\n' "$4" >>"$1"
    fi
}
