"""promptwall against the independent `pii-leak-benchmark` (PyPI, pinned in requirements.txt).

The benchmark starts its own capture upstream on 127.0.0.1:8765 and sends OpenAI-compatible
streaming chat completions carrying synthetic personal data (e-mail, SSN, card) and credential
specimens (AWS, GitHub, Slack) through promptwall (`tests/py/pii_leak_benchmark.toml` routes the
`capture` provider to it). It checks that no raw value reached the upstream and that the client
got every value back (restored, streaming, one-character SSE events included).

The negative control (`capture://self`, no gateway) must report the leak, so the assertions on
promptwall's report are known to be able to fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).resolve().parent / "pii_leak_benchmark.toml"
TENANT_KEY = "pw-bench-key"  # sha256 listed in the config's [[tenant]]
CAPTURE_PORT = 8765
BENCH_TIMEOUT = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _bench_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("pii-leak-benchmark")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("pii-leak-benchmark")
    assert found, "pii-leak-benchmark is not installed: pip install -r tests/py/requirements.txt"
    return [found]


def _run_selfcheck(target: str, out: Path, api_key: str | None) -> tuple[subprocess.CompletedProcess, dict]:
    env = dict(os.environ)
    if api_key is not None:
        # Preferred over --target-api-key: argv is visible in process listings.
        env["CONFORMANCE_TARGET_API_KEY"] = api_key
    assert not _port_in_use(CAPTURE_PORT), f"port {CAPTURE_PORT} (the benchmark's capture) is busy"
    proc = subprocess.run(
        [*_bench_cmd(), "selfcheck", "--target-base-url", target, "--json-out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=BENCH_TIMEOUT,
    )
    assert out.exists(), f"no JSON report; stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc, json.loads(out.read_text())


@pytest.fixture(scope="module")
def bench_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = Path(os.environ.get("PROMPTWALL_BIN", REPO / "target" / "debug" / "promptwall"))
    assert binary.exists(), f"{binary} missing: cargo build first (or set PROMPTWALL_BIN)"
    port = _free_port()
    log_path = tmp_path_factory.mktemp("plb") / "promptwall.log"
    env = dict(os.environ)
    env["PII_LEAK_BENCHMARK_UPSTREAM_KEY"] = "upstream-capture-key"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [str(binary), "serve", "--config", str(CONFIG), "--listen", f"127.0.0.1:{port}"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, f"promptwall exited:\n{log_path.read_text(errors='replace')}"
            assert time.monotonic() < deadline, "promptwall did not become ready"
            time.sleep(0.05)
        yield f"{base}/capture/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_negative_control_reports_the_leak(tmp_path: Path) -> None:
    """Without a gateway the benchmark must see the raw values: the checks below can fail."""
    _, report = _run_selfcheck("capture://self", tmp_path / "control.json", None)
    boundary = report["checks"]["configured_upstream_boundary"]
    assert report["passed"] is False
    assert boundary["passed"] is False
    assert {"EMAIL", "SSN", "CREDIT_CARD"} <= set(boundary["leaked_entity_types"])


def test_promptwall_leaks_nothing_and_restores_everything(bench_proxy: str, tmp_path: Path) -> None:
    proc, report = _run_selfcheck(bench_proxy, tmp_path / "report.json", TENANT_KEY)
    detail = f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    checks = report["checks"]

    # No raw value (PII or credential specimen) reached the upstream, in any request.
    boundary = checks["configured_upstream_boundary"]
    assert boundary["correlated_requests"] >= 1, detail
    assert boundary["leaked_entity_types"] == [], detail
    assert boundary["leak_evidence"] == [], detail
    assert boundary["unattributed_leaked_entity_types"] == [], detail
    assert boundary["uninspectable_requests"] == 0, detail
    assert boundary["passed"] is True, detail

    # Every value came back to the client, in every iteration.
    fidelity = checks["response_fidelity"]
    assert fidelity["passed"] is True, detail
    assert fidelity["expected_value_reconstructed"] is True, detail
    assert fidelity["iterations_matching"] == fidelity["iterations_requested"] >= 1, detail

    # Streaming: valid SSE, and restoration survives one-character events.
    assert checks["sse_validity"]["passed"] is True, detail
    assert checks["sse_validity"]["invalid_events"] == 0, detail
    assert checks["fragmentation_safety"]["passed"] is True, detail
    assert checks["fragmentation_safety"]["response_reconstructed"] is True, detail

    assert report["passed"] is True, detail
    assert proc.returncode == 0, detail
