//! Credentials inside URIs: `scheme://user:password@host` for database/broker schemes
//! (`ConnectionString`, 0.9) and any other scheme such as `https://user:pass@host` (basic auth
//! in a URL: `Password`, 0.85).
//!
//! Decision: the finding covers the **password component only** (between the first `:` of the
//! userinfo and the last `@` of the authority), so scheme, user, host, port and database stay
//! readable for the model and for debugging. `user:@host`, placeholders and references
//! (`${PW}`, `<password>`, `%s`, `****`) are not flagged.

use std::borrow::Cow;

use super::util::{finding, is_placeholder, run_left};
use crate::detect::{Detector, Entity, Finding, Hit, ScanCtx, Trigger};

const NAME: &str = "uri_credentials";
const MAX_AUTHORITY: usize = 512;

const DB_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "mssql",
    "sqlserver",
    "clickhouse",
    "neo4j",
    "neo4j+s",
    "bolt",
    "nats",
    "kafka",
    "ftp",
    "ftps",
    "sftp",
    "ldap",
    "ldaps",
    "smtp",
    "smtps",
    "imap",
    "imaps",
    "jdbc",
    "oracle",
    "couchdb",
    "cassandra",
    "memcached",
    "elasticsearch",
    "influxdb",
    "snowflake",
    "db2",
    "cockroachdb",
    "rabbitmq",
    "mqtt",
    "mqtts",
    "stomp",
    "ssh",
    "svn",
    "git",
    "s3",
    "postgresql+psycopg2",
    "postgresql+asyncpg",
    "mysql+pymysql",
    "mysql+mysqldb",
];

pub struct UriCredentials;

impl Detector for UriCredentials {
    fn name(&self) -> &'static str {
        NAME
    }
    fn triggers(&self) -> Vec<Trigger> {
        vec![Trigger::Literal(Cow::Borrowed("://"))]
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let b = cx.bytes();
        for h in hits {
            let sl = run_left(b, h.start, 32, |c| {
                c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-')
            });
            if sl == 0 {
                continue;
            }
            let Some(scheme) = cx.text.get(h.start - sl..h.start) else {
                continue;
            };
            // Authority ends at `/`, `?`, `#`, whitespace or a quote.
            let auth_start = h.end;
            let mut auth_end = auth_start;
            let mut last_at = None;
            while auth_end < b.len() && auth_end - auth_start < MAX_AUTHORITY {
                let c = b.get(auth_end).copied().unwrap_or(b' ');
                if matches!(
                    c,
                    b'/' | b'?' | b'#' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'\\'
                ) || c.is_ascii_whitespace()
                {
                    break;
                }
                if c == b'@' {
                    last_at = Some(auth_end);
                }
                auth_end += 1;
            }
            let Some(at) = last_at else {
                continue;
            };
            let Some(userinfo) = b.get(auth_start..at) else {
                continue;
            };
            let Some(colon) = userinfo.iter().position(|&c| c == b':') else {
                continue;
            };
            let pw_start = auth_start + colon + 1;
            if pw_start >= at {
                continue;
            }
            let Some(pw) = cx.text.get(pw_start..at) else {
                continue;
            };
            if is_placeholder(pw) || pw == "%s" || pw.contains("%(") || pw.starts_with('{') {
                continue;
            }
            let lower = scheme.to_ascii_lowercase();
            let (entity, score) = if DB_SCHEMES.contains(&lower.as_str()) {
                (Entity::ConnectionString, 0.9)
            } else {
                (Entity::Password, 0.85)
            };
            out.push(finding(entity, pw_start, at, score, NAME));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Engine;

    fn spans(text: &str) -> Vec<(String, &str)> {
        let e = Engine::with_detectors(vec![Box::new(UriCredentials)]).unwrap();
        e.scan(text)
            .into_iter()
            .map(|f| (f.entity.name().to_string(), &text[f.start..f.end]))
            .collect()
    }

    #[test]
    fn passwords_in_uris() {
        assert_eq!(
            spans("DATABASE_URL=postgres://app:s3cr3t-Pw@db.internal:5432/app?sslmode=require"),
            vec![("CONNECTION_STRING".into(), "s3cr3t-Pw")]
        );
        assert_eq!(
            spans("redis://:hunter22@cache:6379/0"),
            vec![("CONNECTION_STRING".into(), "hunter22")]
        );
        assert_eq!(
            spans("mongodb+srv://bob:p@ss:w0rd@cluster0.mongodb.net/db"),
            vec![("CONNECTION_STRING".into(), "p@ss:w0rd")]
        );
        assert_eq!(
            spans("see https://alice:Tr0ub4dor@example.com/x"),
            vec![("PASSWORD".into(), "Tr0ub4dor")]
        );
    }

    #[test]
    fn no_password_no_finding() {
        for t in [
            "https://example.com/a@b",
            "ssh://git@github.com/org/repo",
            "postgres://user:@localhost/db",
            "postgres://user:${DB_PASSWORD}@localhost/db",
            "mysql://root:<password>@localhost",
            "postgres://user:****@host/db",
            "git@github.com:org/repo.git",
            "mailto:someone@example.com",
        ] {
            assert!(spans(t).is_empty(), "{t}");
        }
    }
}
