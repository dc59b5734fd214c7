"""Fixtures for the Python SDK tests: one mock upstream and one promptwall process per session.

The proxy binary comes from `PROMPTWALL_BIN` (default `target/debug/promptwall`, built by
`.ci/run`). Its config is written to a temp dir with every provider's `base_url` pointing at the
mock and provider keys passed through environment variables, so the tests can check that the
upstream sees the provider key and never the tenant's key.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from mock_upstream import MockUpstream

REPO = Path(__file__).resolve().parents[2]

# What the apps send (tenant virtual keys) and what promptwall must send upstream instead.
TENANT_KEY = "pw-tenant-alpha-0123456789abcdef"
TENANT_ECHO_ONLY_KEY = "pw-tenant-bravo-0123456789abcdef"
UNKNOWN_KEY = "pw-tenant-unknown-0000000000000000"
PROVIDER_KEYS = {
    "openai": "upstream-openai-key-1111",
    "anthropic": "upstream-anthropic-key-2222",
    "gemini": "upstream-gemini-key-3333",
    "deepseek": "upstream-deepseek-key-4444",
    "qwen": "upstream-qwen-key-5555",
    "mistral": "upstream-mistral-key-6666",
}

# name -> (kind, path prefix on the mock (what the real base URL's path would be), models)
PROVIDERS = {
    "openai": ("openai", "", ["gpt-4o*", "text-embedding-3-*"]),
    "anthropic": ("anthropic", "", ["claude-*"]),
    "gemini": ("gemini", "", ["gemini-2.5-*"]),
    "deepseek": ("openai", "/deepseek-up", ["deepseek-*"]),
    "qwen": ("openai", "/qwen-up/compatible-mode", ["qwen-*"]),
    "mistral": ("openai", "/mistral-up", ["mistral-*"]),
}
COMPAT = ["deepseek", "qwen", "mistral"]
MAX_BODY = 256 * 1024


def sha256_hex(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_name(provider: str) -> str:
    return f"PW_PYTEST_{provider.upper()}_KEY"


def render_config(listen_port: int, mock_base: str) -> str:
    out = [f'listen = "127.0.0.1:{listen_port}"', f"max_body_bytes = {MAX_BODY}", ""]
    for name, (kind, prefix, models) in PROVIDERS.items():
        quoted = ", ".join(f'"{m}"' for m in models)
        out += [
            "[[provider]]",
            f'name = "{name}"',
            f'kind = "{kind}"',
            f'base_url = "{mock_base}{prefix}"',
            f'api_key_env = "{env_name(name)}"',
            f"models = [{quoted}]",
            "",
        ]
    for fmt in ("openai", "anthropic", "gemini"):
        out += ["[[provider]]", f'name = "echo-{fmt}"', 'kind = "echo"', f'echo_format = "{fmt}"', 'models = ["*"]', ""]
    everything = ", ".join(f'"{p}"' for p in [*PROVIDERS, "echo-openai", "echo-anthropic", "echo-gemini"])
    out += [
        "[[tenant]]",
        'id = "alpha"',
        f'api_key_sha256 = ["{sha256_hex(TENANT_KEY)}"]',
        f"providers = [{everything}]",
        "",
        "[[tenant]]",
        'id = "bravo"',
        f'api_key_sha256 = ["{sha256_hex(TENANT_ECHO_ONLY_KEY)}"]',
        'providers = ["echo-openai"]',
        "",
    ]
    return "\n".join(out)


@dataclass
class Proxy:
    base: str
    log_path: Path

    def url(self, provider: str, suffix: str = "") -> str:
        return f"{self.base}/{provider}{suffix}"

    def metrics(self) -> str:
        with urllib.request.urlopen(f"{self.base}/metrics", timeout=5) as r:
            return r.read().decode()

    def inbound_requests(self) -> float:
        """Requests promptwall counted at its edge, from /metrics (sum over every label set)."""
        total = 0.0
        text = self.metrics()
        found = False
        for line in text.splitlines():
            m = re.match(r"^promptwall_requests_total(\{[^}]*\})?\s+([0-9.eE+-]+)$", line)
            if m:
                found = True
                total += float(m.group(2))
        # The fixture's warm-up request guarantees at least one sample.
        assert found, "no promptwall_requests_total sample in /metrics"
        return total

    def assert_inbound_delta(self, before: float, expected: int) -> None:
        """promptwall's own request counter moved by exactly `expected` since `before`.

        The counter is updated when the response completes, possibly just after the client has
        read it: poll briefly, then re-check that no further attempt arrives."""
        deadline = time.monotonic() + 3
        while self.inbound_requests() - before < expected and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        assert self.inbound_requests() - before == expected

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="session")
def mock() -> Iterator[MockUpstream]:
    m = MockUpstream().start()
    yield m
    m.stop()


@pytest.fixture(autouse=True)
def _fresh_mock(mock: MockUpstream) -> None:
    mock.reset()


def _wait_healthy(base: str, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"promptwall exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.05)
    pytest.fail(f"promptwall not healthy after 20 s:\n{log_path.read_text(errors='replace')}")


def _warm_up(base: str) -> None:
    """One echo request, so promptwall's request counter has a sample before any test reads it."""
    req = urllib.request.Request(
        f"{base}/echo-openai/v1/chat/completions", method="POST",
        data=b'{"model":"warm-up","messages":[{"role":"user","content":"warm up"}]}',
        headers={"authorization": f"Bearer {TENANT_KEY}", "content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200


def binary() -> Path:
    b = Path(os.environ.get("PROMPTWALL_BIN", REPO / "target" / "debug" / "promptwall"))
    if not b.is_absolute():
        b = REPO / b
    if not b.exists():
        pytest.fail(f"promptwall binary not found at {b}: run `cargo build` or set PROMPTWALL_BIN")
    return b


@pytest.fixture(scope="session")
def proxy(mock: MockUpstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    tmp = tmp_path_factory.mktemp("promptwall")
    port = free_port()
    cfg = tmp / "promptwall.toml"
    cfg.write_text(render_config(port, mock.base))
    env = dict(os.environ)
    for name, key in PROVIDER_KEYS.items():
        env[env_name(name)] = key
    env.setdefault("RUST_LOG", "info")
    log_path = tmp / "promptwall.log"
    log = log_path.open("wb")
    proc = subprocess.Popen([str(binary()), "serve", "--config", str(cfg)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, log_path)
        _warm_up(base)
        yield Proxy(base=base, log_path=log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def assert_upstream_credentials(mock: MockUpstream, provider: str, header: str) -> None:
    """Every recorded request carries the provider key in `header` and no trace of a tenant key."""
    reqs = mock.requests
    assert reqs, "the mock upstream received no request"
    want = PROVIDER_KEYS[provider]
    for r in reqs:
        value = r.headers.get(header, "")
        assert want in value, f"{header} upstream is {value!r}, expected the {provider} provider key"
        flat = repr(r.headers) + repr(r.query) + r.body.decode(errors="replace")
        for tenant_key in (TENANT_KEY, TENANT_ECHO_ONLY_KEY):
            assert tenant_key not in flat, "the tenant key leaked upstream"
