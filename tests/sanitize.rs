use promptwall::detect::{Detector, Engine, Finding, Hit, ScanCtx, Trigger};

/// Drops literal triggers the engine refuses (non-ASCII), remapping trigger indices.
struct AsciiOnly {
    inner: Box<dyn Detector>,
    map: Vec<usize>,
    triggers: Vec<Trigger>,
}

impl Detector for AsciiOnly {
    fn name(&self) -> &'static str {
        self.inner.name()
    }
    fn triggers(&self) -> Vec<Trigger> {
        self.triggers.clone()
    }
    fn detect(&self, cx: &ScanCtx<'_>, hits: &[Hit], out: &mut Vec<Finding>) {
        let hits: Vec<Hit> = hits
            .iter()
            .map(|h| Hit { trigger: self.map[h.trigger], ..*h })
            .collect();
        self.inner.detect(cx, &hits, out)
    }
}

fn builtin() -> Engine {
    let dets = promptwall::detect::detectors::builtin()
        .into_iter()
        .map(|d| {
            let mut map = Vec::new();
            let mut triggers = Vec::new();
            for (i, t) in d.triggers().into_iter().enumerate() {
                if let Trigger::Literal(l) = &t {
                    if l.is_empty() || !l.is_ascii() {
                        continue;
                    }
                }
                map.push(i);
                triggers.push(t);
            }
            Box::new(AsciiOnly { inner: d, map, triggers }) as Box<dyn Detector>
        })
        .collect();
    Engine::with_detectors(dets).unwrap()
}

#[test]
fn probe() {
    if let Err(err) = Engine::builtin() { println!("builtin: {err}"); }
    let e = builtin();
    let body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n".repeat(4);
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----");
    for t in [
        "mail jane.doe@acme-corp.com now".to_string(),
        "call +44 20 7946 0958 now".into(),
        "call me at +1 415 555 2671 today".into(),
        "card 4111 1111 1111 1111 ok".into(),
        "card 4539 1488 0343 6467 ok".into(),
        "Hello, my name is John Smith and I need help.".into(),
        "please review. Hello, my name is John Smith and I need help. thanks".into(),
        "GITLAB_TOKEN=glpat-AbCdEf0123456789xYzW\n".into(),
        "token glpat-AbCdEf0123456789xYzW ok".into(),
        "use sk-proj-AbCdEf0123456789xYzWAbCdEf0123456789xYzW ok".into(),
        "aws AKIAZ2MQ4RS7TUVWXY3B ok".into(),
        format!("key {pem} ok"),
        "<EMAIL_ADDRESS_abcdef> and <PERSON_123456>".into(),
    ] {
        let f = e.scan(&t);
        let got: Vec<_> = f.iter().map(|f| (f.entity.name(), &t[f.start..f.end], f.score)).collect();
        println!("{t:?} => {got:?}");
    }
}
