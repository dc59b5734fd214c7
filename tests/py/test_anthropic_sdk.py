"""The official `anthropic` SDK through promptwall: messages, streaming, tool_use round trip,
errors without retries, credential swap and `anthropic-version` forwarding.
"""

from __future__ import annotations

import json

import anthropic
import httpx2
import pytest

from conftest import TENANT_KEY, UNKNOWN_KEY, assert_upstream_credentials
from mock_upstream import MOCK_TEXT, TOOL_ARGS, TOOL_NAME

TOOLS = [{
    "name": TOOL_NAME,
    "description": "Current weather for a city",
    "input_schema": {"type": "object", "properties": {"query": {"type": "string"}, "unit": {"type": "string"}}, "required": ["query"]},
}]
MODEL = "claude-mock-1"


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def client(self) -> httpx2.Client:
        def hook(_request: httpx2.Request) -> None:
            self.n += 1
        return httpx2.Client(event_hooks={"request": [hook]})


def client(proxy, key: str = TENANT_KEY, **kw) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=key, base_url=proxy.url("anthropic"), **kw)


def upstream_key_header(mock) -> str:
    """The provider key goes out as Bearer or x-api-key (promptwall mirrors the client's scheme)."""
    h = mock.last().headers
    return "authorization" if "authorization" in h else "x-api-key"


def test_messages_non_streaming(proxy, mock):
    r = client(proxy).messages.create(model=MODEL, max_tokens=64,
                                      messages=[{"role": "user", "content": "Say hello"}])
    assert r.content[0].type == "text" and r.content[0].text == MOCK_TEXT
    assert r.stop_reason == "end_turn"
    assert mock.count == 1
    up = mock.last()
    assert up.path == "/v1/messages"
    assert up.json()["messages"] == [{"role": "user", "content": "Say hello"}]
    assert_upstream_credentials(mock, "anthropic", upstream_key_header(mock))
    # SDK 2.x authenticates with Bearer; promptwall mirrors the scheme with the provider key.
    assert up.headers["authorization"] == "Bearer upstream-anthropic-key-2222"
    assert "x-api-key" not in up.headers


def test_anthropic_version_and_beta_forwarded(proxy, mock):
    c = client(proxy, default_headers={"anthropic-version": "2023-06-01", "anthropic-beta": "tools-2024-04-04"})
    c.messages.create(model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    h = mock.last().headers
    assert h["anthropic-version"] == "2023-06-01"
    assert h["anthropic-beta"] == "tools-2024-04-04"
    # And the SDK's own default version is forwarded exactly as sent.
    sent = {}

    def hook(req: httpx2.Request) -> None:
        sent["v"] = req.headers["anthropic-version"]

    client(proxy, http_client=httpx2.Client(event_hooks={"request": [hook]})).messages.create(
        model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    assert mock.last().headers["anthropic-version"] == sent["v"]


def test_x_api_key_client_gets_provider_key(proxy, mock):
    """An app that authenticates with x-api-key (SDK 1.x style) is swapped just the same."""
    r = httpx2.post(proxy.url("anthropic", "/v1/messages"),
                    json={"model": MODEL, "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]},
                    headers={"x-api-key": TENANT_KEY, "anthropic-version": "2023-06-01"})
    assert r.status_code == 200, r.text
    assert r.json()["content"][0]["text"] == MOCK_TEXT
    assert_upstream_credentials(mock, "anthropic", "x-api-key")
    assert mock.last().headers["x-api-key"] == "upstream-anthropic-key-2222"
    assert "authorization" not in mock.last().headers


def test_messages_streaming(proxy, mock):
    with client(proxy).messages.stream(model=MODEL, max_tokens=64,
                                       messages=[{"role": "user", "content": "Say hello"}]) as s:
        text = "".join(s.text_stream)
        final = s.get_final_message()
    assert text == MOCK_TEXT
    assert final.stop_reason == "end_turn" and final.usage.output_tokens == 9
    assert mock.count == 1 and mock.last().json()["stream"] is True
    assert_upstream_credentials(mock, "anthropic", upstream_key_header(mock))


def test_tool_use_round_trip(proxy, mock):
    c = client(proxy)
    messages = [{"role": "user", "content": "What is the weather today?"}]
    r = c.messages.create(model=MODEL, max_tokens=128, tools=TOOLS, messages=messages)
    assert r.stop_reason == "tool_use"
    tool = next(b for b in r.content if b.type == "tool_use")
    assert tool.name == TOOL_NAME and tool.input == TOOL_ARGS
    assert mock.last().json()["tools"][0]["name"] == TOOL_NAME

    messages += [{"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in r.content]},
                 {"role": "user", "content": [{"type": "tool_result", "tool_use_id": tool.id,
                                               "content": "sunny and mild"}]}]
    r2 = c.messages.create(model=MODEL, max_tokens=128, tools=TOOLS, messages=messages)
    assert r2.content[0].text == "The tool said: sunny and mild"
    sent = mock.last().json()["messages"]
    assert sent[-1]["content"][0] == {"type": "tool_result", "tool_use_id": "toolu_mock_1",
                                      "content": "sunny and mild"}
    assert sent[-2]["content"][1]["input"] == TOOL_ARGS
    assert mock.count == 2


def test_tool_use_streaming(proxy, mock):
    with client(proxy).messages.stream(model=MODEL, max_tokens=128, tools=TOOLS,
                                       messages=[{"role": "user", "content": "Weather today?"}]) as s:
        final = s.get_final_message()
    tool = next(b for b in final.content if b.type == "tool_use")
    assert tool.input == TOOL_ARGS and final.stop_reason == "tool_use"


def test_model_not_allowlisted_is_refused_without_retry(proxy, mock):
    counter = Counter()
    before = proxy.inbound_requests()
    with pytest.raises(anthropic.PermissionDeniedError) as exc:
        client(proxy, http_client=counter.client()).messages.create(
            model="llama-3-70b", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    assert exc.value.status_code == 403
    assert exc.value.response.headers.get("x-should-retry") == "false"
    body = exc.value.body
    assert body["type"] == "error" and body["error"]["type"] == "permission_error"
    assert mock.count == 0 and counter.n == 1
    proxy.assert_inbound_delta(before, 1)


def test_unknown_key_is_401(proxy, mock):
    counter = Counter()
    before = proxy.inbound_requests()
    with pytest.raises(anthropic.AuthenticationError) as exc:
        client(proxy, key=UNKNOWN_KEY, http_client=counter.client()).messages.create(
            model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    assert exc.value.status_code == 401
    assert exc.value.body["error"]["type"] == "authentication_error"
    assert mock.count == 0 and counter.n == 1
    proxy.assert_inbound_delta(before, 1)


def test_upstream_error_forwarded_once(proxy, mock):
    mock.fail_with(529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    with pytest.raises(anthropic.APIStatusError) as exc:
        client(proxy, max_retries=0).messages.create(
            model=MODEL, max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    assert exc.value.status_code >= 500
    assert mock.count == 1


def test_echo_returns_request_body(proxy, mock):
    c = anthropic.Anthropic(api_key=TENANT_KEY, base_url=proxy.url("echo-anthropic"))
    msgs = [{"role": "user", "content": "ping pong"}]
    r = c.messages.create(model="any-model", max_tokens=16, messages=msgs)
    echoed = json.loads(r.content[0].text)
    assert echoed["messages"] == msgs and echoed["model"] == "any-model"
    with c.messages.stream(model="any-model", max_tokens=16, messages=msgs) as s:
        echoed = json.loads("".join(s.text_stream))
    assert echoed["messages"] == msgs and echoed["stream"] is True
    assert mock.count == 0
