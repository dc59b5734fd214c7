"""A recording mock of the OpenAI, Anthropic and Gemini HTTP APIs for the SDK tests.

What it owns: answering promptwall's forwarded requests on 127.0.0.1 with canned JSON or SSE in
each provider's wire format, and recording every request (method, path, query, headers, body) so
tests can assert what actually left the proxy (provider key present, tenant key absent, headers
forwarded, no retries). It never talks to the network beyond loopback.

Who calls it: `conftest.py` starts one instance per test session; tests call `reset()`,
`fail_with()` and read `requests`.

Routing is by path suffix, so any prefix (`/v1`, `/compatible-mode/v1`, ...) works:
- `.../chat/completions`  OpenAI chat (JSON or SSE; a `tools` request gets a tool call back, a
  request whose last message has role `tool` gets a text answer quoting the tool result)
- `.../responses`         OpenAI Responses (JSON or SSE)
- `.../embeddings`        OpenAI embeddings (floats or base64 per `encoding_format`)
- `.../v1/messages`       Anthropic Messages (JSON or SSE, tool_use the same way as chat)
- `...:generateContent` / `...:streamGenerateContent` Gemini (JSON, or SSE with `alt=sse`)
"""

from __future__ import annotations

import base64
import json
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

MOCK_TEXT = "Hello from the mock upstream"
# Stream deltas; joined they equal MOCK_TEXT.
MOCK_CHUNKS = ["Hello ", "from the ", "mock ", "upstream"]
TOOL_NAME = "get_weather"
TOOL_ARGS = {"query": "weather today", "unit": "celsius"}  # nothing a detector would redact


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # None: every request until reset()


class MockUpstream:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[Recorded] = []
        self._failure: Failure | None = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # ---- lifecycle -----------------------------------------------------------------------
    def start(self) -> "MockUpstream":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._failure = None

    # ---- modes ---------------------------------------------------------------------------
    def fail_with(
        self,
        status: int,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int | None = None,
    ) -> None:
        """Answer the next `times` requests (all, if None) with `status` and a JSON body."""
        with self._lock:
            self._failure = Failure(
                status, body or {"error": {"message": "mock failure", "type": "server_error"}},
                headers or {}, times,
            )

    # ---- inspection ----------------------------------------------------------------------
    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._requests)

    def last(self) -> Recorded:
        reqs = self.requests
        assert reqs, "the mock upstream received no request"
        return reqs[-1]

    # ---- internals -----------------------------------------------------------------------
    def _record(self, rec: Recorded) -> Failure | None:
        with self._lock:
            self._requests.append(rec)
            f = self._failure
            if f is None:
                return None
            if f.times is not None:
                f.times -= 1
                if f.times <= 0:
                    self._failure = None
            return f


def _handler_for(mock: MockUpstream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args: Any) -> None:  # keep pytest output quiet
            pass

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            split = urlsplit(self.path)
            body = self._read_body()
            rec = Recorded(
                method=self.command,
                path=split.path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            failure = mock._record(rec)
            if failure is not None:
                self._send_json(failure.status, failure.body, failure.headers)
                return
            try:
                req = rec.json() if body else {}
            except ValueError:
                self._send_json(400, {"error": {"message": "mock: body is not JSON", "type": "invalid_request_error"}})
                return
            path = split.path
            if path.endswith("/chat/completions"):
                self._openai_chat(req)
            elif path.endswith("/responses"):
                self._openai_responses(req)
            elif path.endswith("/embeddings"):
                self._openai_embeddings(req)
            elif path.endswith("/v1/messages"):
                self._anthropic(req)
            elif path.endswith(":generateContent"):
                self._send_json(200, _gemini_response(req, MOCK_TEXT, final=True))
            elif path.endswith(":streamGenerateContent"):
                self._gemini_stream(req, rec.query.get("alt") == ["sse"])
            elif path.endswith("/models"):
                self._send_json(200, {"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]})
            else:
                self._send_json(404, {"error": {"message": "mock: unknown path", "type": "not_found"}})

        def _read_body(self) -> bytes:
            if self.headers.get("transfer-encoding", "").lower() == "chunked":
                out = b""
                while True:
                    line = self.rfile.readline().strip()
                    size = int(line.split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        return out
                    out += self.rfile.read(size)
                    self.rfile.readline()
            n = int(self.headers.get("content-length") or 0)
            return self.rfile.read(n) if n else b""

        # ---- writers ---------------------------------------------------------------------
        def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _send_sse(self, events: list[tuple[str | None, str]]) -> None:
            """Write SSE events with chunked encoding, flushing after each one."""
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for name, data in events:
                frame = (f"event: {name}\n" if name else "") + f"data: {data}\n\n"
                raw = frame.encode()
                self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        # ---- OpenAI ----------------------------------------------------------------------
        def _openai_chat(self, req: dict[str, Any]) -> None:
            model = req.get("model", "unknown")
            msgs = req.get("messages") or []
            last = msgs[-1] if msgs else {}
            created = int(time.time())
            if last.get("role") == "tool":
                text = f"The tool said: {_content_text(last.get('content'))}"
                tool_calls = None
            elif req.get("tools"):
                text = None
                tool_calls = [{
                    "id": "call_mock_1", "type": "function",
                    "function": {"name": TOOL_NAME, "arguments": json.dumps(TOOL_ARGS)},
                }]
            else:
                text = MOCK_TEXT
                tool_calls = None
            finish = "tool_calls" if tool_calls else "stop"
            usage = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
            if not req.get("stream"):
                msg: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
                if tool_calls:
                    msg["tool_calls"] = tool_calls
                self._send_json(200, {
                    "id": "chatcmpl-mock", "object": "chat.completion", "created": created, "model": model,
                    "choices": [{"index": 0, "message": msg, "finish_reason": finish, "logprobs": None}],
                    "usage": usage,
                })
                return

            def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> str:
                return json.dumps({
                    "id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
                })

            events: list[tuple[str | None, str]] = [(None, chunk({"role": "assistant", "content": ""}))]
            if tool_calls:
                args = tool_calls[0]["function"]["arguments"]
                half = len(args) // 2
                events.append((None, chunk({"tool_calls": [{"index": 0, "id": "call_mock_1", "type": "function",
                                                             "function": {"name": TOOL_NAME, "arguments": args[:half]}}]})))
                events.append((None, chunk({"tool_calls": [{"index": 0, "function": {"arguments": args[half:]}}]})))
            else:
                pieces = MOCK_CHUNKS if text == MOCK_TEXT else [text or ""]
                events.extend((None, chunk({"content": p})) for p in pieces)
            events.append((None, chunk({}, finish)))
            if (req.get("stream_options") or {}).get("include_usage"):
                events.append((None, json.dumps({
                    "id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": created,
                    "model": model, "choices": [], "usage": usage,
                })))
            events.append((None, "[DONE]"))
            self._send_sse(events)

        def _openai_responses(self, req: dict[str, Any]) -> None:
            model = req.get("model", "unknown")
            msg_item = {
                "id": "msg_mock", "type": "message", "status": "completed", "role": "assistant",
                "content": [{"type": "output_text", "text": MOCK_TEXT, "annotations": []}],
            }
            resp = {
                "id": "resp_mock", "object": "response", "created_at": int(time.time()), "status": "completed",
                "model": model, "output": [msg_item], "parallel_tool_calls": True, "tool_choice": "auto",
                "tools": [], "error": None, "incomplete_details": None, "instructions": None, "metadata": {},
                "temperature": 1.0, "top_p": 1.0,
                "usage": {"input_tokens": 5, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 6,
                          "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 11},
            }
            if not req.get("stream"):
                self._send_json(200, resp)
                return
            seq = iter(range(1000))
            start = dict(resp, status="in_progress", output=[], usage=None)
            ev: list[tuple[str | None, str]] = []

            def add(kind: str, **payload: Any) -> None:
                ev.append((kind, json.dumps({"type": kind, "sequence_number": next(seq), **payload})))

            add("response.created", response=start)
            add("response.output_item.added", output_index=0,
                item=dict(msg_item, status="in_progress", content=[]))
            add("response.content_part.added", item_id="msg_mock", output_index=0, content_index=0,
                part={"type": "output_text", "text": "", "annotations": []})
            for p in MOCK_CHUNKS:
                add("response.output_text.delta", item_id="msg_mock", output_index=0, content_index=0,
                    delta=p, logprobs=[])
            add("response.output_text.done", item_id="msg_mock", output_index=0, content_index=0,
                text=MOCK_TEXT, logprobs=[])
            add("response.output_item.done", output_index=0, item=msg_item)
            add("response.completed", response=resp)
            self._send_sse(ev)

        def _openai_embeddings(self, req: dict[str, Any]) -> None:
            inputs = req.get("input")
            n = len(inputs) if isinstance(inputs, list) else 1
            vec = [0.25, -0.5, 0.75]
            if req.get("encoding_format") == "base64":
                emb: Any = base64.b64encode(struct.pack("<3f", *vec)).decode()
            else:
                emb = vec
            self._send_json(200, {
                "object": "list", "model": req.get("model", "unknown"),
                "data": [{"object": "embedding", "index": i, "embedding": emb} for i in range(n)],
                "usage": {"prompt_tokens": 3, "total_tokens": 3},
            })

        # ---- Anthropic -------------------------------------------------------------------
        def _anthropic(self, req: dict[str, Any]) -> None:
            model = req.get("model", "unknown")
            msgs = req.get("messages") or []
            last = msgs[-1] if msgs else {}
            tool_result = _anthropic_tool_result(last)
            if tool_result is not None:
                blocks: list[dict[str, Any]] = [{"type": "text", "text": f"The tool said: {tool_result}"}]
            elif req.get("tools"):
                blocks = [{"type": "text", "text": "Let me check."},
                          {"type": "tool_use", "id": "toolu_mock_1", "name": TOOL_NAME, "input": TOOL_ARGS}]
            else:
                blocks = [{"type": "text", "text": MOCK_TEXT}]
            stop = "tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn"
            usage = {"input_tokens": 12, "output_tokens": 9}
            msg = {"id": "msg_mock", "type": "message", "role": "assistant", "model": model,
                   "content": blocks, "stop_reason": stop, "stop_sequence": None, "usage": usage}
            if not req.get("stream"):
                self._send_json(200, msg)
                return
            ev: list[tuple[str | None, str]] = []

            def add(kind: str, **payload: Any) -> None:
                ev.append((kind, json.dumps({"type": kind, **payload})))

            add("message_start", message=dict(msg, content=[], stop_reason=None,
                                              usage={"input_tokens": 12, "output_tokens": 1}))
            add("ping")
            for i, b in enumerate(blocks):
                if b["type"] == "text":
                    add("content_block_start", index=i, content_block={"type": "text", "text": ""})
                    pieces = MOCK_CHUNKS if b["text"] == MOCK_TEXT else [b["text"]]
                    for p in pieces:
                        add("content_block_delta", index=i, delta={"type": "text_delta", "text": p})
                else:
                    add("content_block_start", index=i,
                        content_block={"type": "tool_use", "id": b["id"], "name": b["name"], "input": {}})
                    js = json.dumps(b["input"])
                    half = len(js) // 2
                    for p in (js[:half], js[half:]):
                        add("content_block_delta", index=i, delta={"type": "input_json_delta", "partial_json": p})
                add("content_block_stop", index=i)
            add("message_delta", delta={"stop_reason": stop, "stop_sequence": None}, usage={"output_tokens": 9})
            add("message_stop")
            self._send_sse(ev)

        # ---- Gemini ----------------------------------------------------------------------
        def _gemini_stream(self, req: dict[str, Any], sse: bool) -> None:
            if _gemini_wants_tool(req):
                chunks = [_gemini_response(req, None, final=True)]
            else:
                chunks = [_gemini_response(req, p, final=(i == len(MOCK_CHUNKS) - 1))
                          for i, p in enumerate(MOCK_CHUNKS)]
            if sse:
                self._send_sse([(None, json.dumps(c)) for c in chunks])
            else:
                self._send_json(200, chunks)

    return Handler


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _anthropic_tool_result(msg: dict[str, Any]) -> str | None:
    if msg.get("role") != "user" or not isinstance(msg.get("content"), list):
        return None
    for block in msg["content"]:
        if isinstance(block, dict) and block.get("type") == "tool_result":
            return _content_text(block.get("content"))
    return None


def _gemini_function_response(req: dict[str, Any]) -> Any:
    contents = req.get("contents") or []
    if not contents:
        return None
    for part in contents[-1].get("parts") or []:
        fr = part.get("functionResponse") or part.get("function_response")
        if fr is not None:
            return fr.get("response")
    return None


def _gemini_wants_tool(req: dict[str, Any]) -> bool:
    return bool(req.get("tools")) and _gemini_function_response(req) is None


def _gemini_response(req: dict[str, Any], text: str | None, final: bool) -> dict[str, Any]:
    fr = _gemini_function_response(req)
    if fr is not None:
        parts: list[dict[str, Any]] = [{"text": f"The tool said: {json.dumps(fr, sort_keys=True)}"}]
    elif _gemini_wants_tool(req):
        parts = [{"functionCall": {"name": TOOL_NAME, "args": TOOL_ARGS}}]
    else:
        parts = [{"text": text or ""}]
    cand: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    out: dict[str, Any] = {"candidates": [cand], "modelVersion": "mock-gemini", "responseId": "gem-mock"}
    if final:
        cand["finishReason"] = "STOP"
        out["usageMetadata"] = {"promptTokenCount": 4, "candidatesTokenCount": 6, "totalTokenCount": 10}
    return out
