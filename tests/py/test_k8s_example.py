"""The Kubernetes sidecar example stays valid: the ConfigMap embeds exactly config/k8s/promptwall.toml,
and `promptwall check-config` accepts it although the mounted key files do not exist here
(a missing key makes the provider unavailable; it is not a config error).
"""

from __future__ import annotations

import os
import subprocess

from conftest import REPO, binary, sha256_hex

K8S = REPO / "config" / "k8s"


def configmap_toml() -> str:
    lines = (K8S / "configmap.yaml").read_text().splitlines()
    start = lines.index("  promptwall.toml: |") + 1
    out = []
    for line in lines[start:]:
        if line and not line.startswith("    "):
            break
        out.append(line[4:])
    return "\n".join(out).rstrip("\n") + "\n"


def test_configmap_embeds_the_standalone_config():
    assert configmap_toml() == (K8S / "promptwall.toml").read_text()


def test_placeholder_key_hash_matches():
    secret = (K8S / "secret.yaml").read_text()
    key = secret.split('virtual-key: "')[1].split('"')[0]
    assert "REPLACE-ME" in key
    assert sha256_hex(key) in (K8S / "promptwall.toml").read_text()


def test_check_config_passes_with_missing_key_files():
    # The deployment passes the pseudonym secret from the Secret as an env var.
    env = dict(os.environ, PROMPTWALL_PSEUDONYM_KEY="k8s-example-pseudonym-secret-0123456789abcdef")
    r = subprocess.run([str(binary()), "check-config", "--config", str(K8S / "promptwall.toml")],
                       capture_output=True, text=True, timeout=30, env=env)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "unavailable" in out.lower(), out
    assert "REPLACE-ME" not in out
    assert "generated at start-up" not in out, out


def test_check_config_fails_without_the_pseudonym_secret():
    env = {k: v for k, v in os.environ.items() if k != "PROMPTWALL_PSEUDONYM_KEY"}
    r = subprocess.run([str(binary()), "check-config", "--config", str(K8S / "promptwall.toml")],
                       capture_output=True, text=True, timeout=30, env=env)
    assert r.returncode == 64, r.stdout + r.stderr
