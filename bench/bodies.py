"""The 4 KB chat bodies of bench/load.sh and bench/callgrind_request.sh.

Writes DIR/json.json (non-streaming) and DIR/sse.json ("stream": true): plain prose with
nothing for the detectors to redact, or with BENCH_FINDINGS=1 the same prose with ~10 findings
spread through it (default policy: PII pseudonymized and restored, secrets redacted).
Usage: BENCH_FINDINGS=0|1 python3 bench/bodies.py DIR
"""
import json
import os
import sys

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
    with open(f"{work}/{name}.json", "wb") as f:
        f.write(data)
    print(f"{name} body: {len(data)} bytes", file=sys.stderr)
