//! `check-config --tenant/--provider`, `scan` and `scrub` through the built binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SHIPPED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/config/promptwall.toml");
const EMAIL: &str = "maria.fischer@acme-corp.de";

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_promptwall"))
        .args(args)
        .env_remove("PROMPTWALL_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn check_config_prints_the_effective_policy_of_a_pair() {
    let out = run(
        &[
            "check-config",
            "--config",
            SHIPPED,
            "--tenant",
            "demo",
            "--provider",
            "openai",
        ],
        "",
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.contains("effective policy for tenant \"demo\", provider \"openai\""));
    assert!(stdout
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["PRIVATE_KEY", "secret", "block", "no"]));
    assert!(stdout
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["EMAIL_ADDRESS", "pii", "pseudonymize", "yes"]));
    let version = stdout
        .lines()
        .find_map(|l| l.strip_prefix("policy version: "))
        .unwrap();
    assert_eq!(version.len(), 16);
    // The shipped DeepSeek layer redacts PII: a different table and version.
    let out = run(
        &[
            "check-config",
            "--config",
            SHIPPED,
            "--tenant",
            "demo",
            "--provider",
            "deepseek",
        ],
        "",
    );
    let ds = text(&out.stdout);
    assert!(ds
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["EMAIL_ADDRESS", "pii", "redact", "no"]));
    assert!(!ds.contains(&format!("policy version: {version}")));
    // The pseudonym secret source is reported (the shipped file sets none).
    assert!(stdout.contains("pseudonym key: generated"));
    assert!(text(&out.stderr).contains("not stable across restarts"));
}

#[test]
fn check_config_without_pair_is_unchanged_and_unknown_pair_fails() {
    let out = run(&["check-config", "--config", SHIPPED], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(!text(&out.stdout).contains("effective policy"));
    let out = run(
        &[
            "check-config",
            "--config",
            SHIPPED,
            "--tenant",
            "nobody",
            "--provider",
            "openai",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(64));
    assert!(text(&out.stderr).contains("`nobody`"));
    // --tenant needs --provider.
    let out = run(
        &["check-config", "--config", SHIPPED, "--tenant", "demo"],
        "",
    );
    assert_ne!(out.status.code(), Some(0));
}

#[test]
fn invalid_policy_is_reported_with_key_paths() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[policy.entities]\nNOT_AN_ENTITY = \"block\"\n[policy.provider.ghost]\nmedia = \"refuse\"\n[detection]\nmin_score = 2.0\n",
    )
    .unwrap();
    let out = run(&["check-config", "--config", path.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(64));
    let err = text(&out.stderr);
    assert!(err.contains("policy.entities.NOT_AN_ENTITY"), "{err}");
    assert!(err.contains("policy.provider.ghost"), "{err}");
    assert!(err.contains("detection"), "{err}");
}

#[test]
fn scan_reports_findings_without_values() {
    let input = format!(
        "{{\"id\":1,\"text\":\"write to {EMAIL} today\"}}\n{{\"id\":2,\"text\":\"nothing\"}}\n"
    );
    let out = run(&["scan"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let f = &lines[0]["findings"][0];
    assert_eq!(f["entity"], "EMAIL_ADDRESS");
    assert_eq!(f["start"], 9);
    assert_eq!(f["end"], 9 + EMAIL.len());
    assert_eq!(lines[1]["findings"].as_array().unwrap().len(), 0);
    // Only the input's own text holds the value; findings carry offsets.
    assert_eq!(stdout.matches(EMAIL).count(), 1);
}

#[test]
fn scrub_tags_by_default_and_applies_the_policy_with_a_pair() {
    let input = format!("mail {EMAIL} now\n");
    let out = run(&["scrub"], &input);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "mail <EMAIL_ADDRESS> now\n");

    let out = run(
        &[
            "scrub",
            "--config",
            SHIPPED,
            "--tenant",
            "demo",
            "--provider",
            "openai",
        ],
        &input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("mail <EMAIL_ADDRESS_"), "{stdout}");
    assert!(!stdout.contains(EMAIL));
    assert!(
        !text(&out.stderr).contains(EMAIL),
        "no mapping unless asked"
    );

    let out = run(
        &[
            "scrub",
            "--config",
            SHIPPED,
            "--tenant",
            "demo",
            "--provider",
            "openai",
            "--show-mapping",
        ],
        &input,
    );
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    let placeholder = &stdout[5..stdout.find('>').unwrap() + 1];
    assert!(stderr.contains("ORIGINAL VALUE"), "{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l == format!("{placeholder}\t{EMAIL}")),
        "{stderr}"
    );

    // DeepSeek's layer redacts PII: nothing to map back.
    let out = run(
        &[
            "scrub",
            "--config",
            SHIPPED,
            "--tenant",
            "demo",
            "--provider",
            "deepseek",
        ],
        &input,
    );
    assert_eq!(text(&out.stdout), "mail <EMAIL_ADDRESS> now\n");
}

#[test]
fn scrub_refuses_a_blocked_value() {
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naFDrBz9vFqU4yV8Oe5mG4ZTMJ3Mq7Lh2Ry9u7d5ZGfNBqXz3bV0t2p6YJq7Hk3Wm\n-----END RSA PRIVATE KEY-----\n";
    let out = run(
        &[
            "scrub",
            "--config",
            SHIPPED,
            "--tenant",
            "demo",
            "--provider",
            "openai",
        ],
        pem,
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("PRIVATE_KEY"), "{err}");
    assert!(!err.contains("MIIEow"), "{err}");
}
