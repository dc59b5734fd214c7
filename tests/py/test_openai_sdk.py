"""The official `openai` SDK through promptwall: chat, streaming, tools, Responses, embeddings,
errors without retries, credential swap, and OpenAI-compatible providers (DeepSeek, Qwen, Mistral).
"""

from __future__ import annotations

import json

import httpx2
import openai
import pytest

from conftest import (COMPAT, MAX_BODY, PROVIDERS, TENANT_ECHO_ONLY_KEY, TENANT_KEY, UNKNOWN_KEY,
                      assert_upstream_credentials)
from mock_upstream import MOCK_TEXT, TOOL_ARGS, TOOL_NAME

TOOLS = [{
    "type": "function",
    "function": {
        "name": TOOL_NAME,
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"query": {"type": "string"}, "unit": {"type": "string"}}, "required": ["query"]},
    },
}]


class Counter:
    """Counts the HTTP requests the SDK actually sends (retries included)."""

    def __init__(self) -> None:
        self.n = 0

    def client(self) -> httpx2.Client:
        def hook(_request: httpx2.Request) -> None:
            self.n += 1
        return httpx2.Client(event_hooks={"request": [hook]})


def client(proxy, provider: str = "openai", key: str = TENANT_KEY, **kw) -> openai.OpenAI:
    return openai.OpenAI(api_key=key, base_url=proxy.url(provider, "/v1"), **kw)


def test_chat_non_streaming(proxy, mock):
    r = client(proxy).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}])
    assert r.choices[0].message.content == MOCK_TEXT
    assert r.choices[0].finish_reason == "stop"
    assert mock.count == 1
    up = mock.last()
    assert up.method == "POST" and up.path == "/v1/chat/completions"
    assert up.json()["model"] == "gpt-4o-mini"
    assert up.json()["messages"][0]["content"] == "Say hello"
    assert_upstream_credentials(mock, "openai", "authorization")
    assert up.headers["authorization"] == "Bearer upstream-openai-key-1111"


def test_chat_streaming(proxy, mock):
    stream = client(proxy).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}], stream=True)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == MOCK_TEXT
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert mock.count == 1 and mock.last().json()["stream"] is True
    assert_upstream_credentials(mock, "openai", "authorization")


def test_chat_streaming_with_usage(proxy, mock):
    stream = client(proxy).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}], stream=True,
        stream_options={"include_usage": True})
    chunks = list(stream)
    usage = [c.usage for c in chunks if c.usage is not None]
    assert usage and usage[-1].total_tokens == 18
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == MOCK_TEXT


def test_tool_call_round_trip(proxy, mock):
    c = client(proxy)
    messages = [{"role": "user", "content": "What is the weather today?"}]
    r = c.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    call = r.choices[0].message.tool_calls[0]
    assert r.choices[0].finish_reason == "tool_calls"
    assert call.function.name == TOOL_NAME and json.loads(call.function.arguments) == TOOL_ARGS
    assert mock.last().json()["tools"][0]["function"]["name"] == TOOL_NAME

    messages += [r.choices[0].message.model_dump(exclude_none=True),
                 {"role": "tool", "tool_call_id": call.id, "content": "sunny and mild"}]
    r2 = c.chat.completions.create(model="gpt-4o-mini", messages=messages, tools=TOOLS)
    assert r2.choices[0].message.content == "The tool said: sunny and mild"
    sent = mock.last().json()["messages"]
    assert sent[-1] == {"role": "tool", "tool_call_id": "call_mock_1", "content": "sunny and mild"}
    assert sent[-2]["tool_calls"][0]["id"] == "call_mock_1"
    assert mock.count == 2


def test_tool_call_streaming(proxy, mock):
    stream = client(proxy).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Weather today?"}], tools=TOOLS, stream=True)
    args, name = "", None
    for ch in stream:
        for tc in (ch.choices[0].delta.tool_calls or []) if ch.choices else []:
            name = name or tc.function.name
            args += tc.function.arguments or ""
    assert name == TOOL_NAME and json.loads(args) == TOOL_ARGS


def test_responses_api(proxy, mock):
    c = client(proxy)
    r = c.responses.create(model="gpt-4o-mini", input="Say hello")
    assert r.output_text == MOCK_TEXT
    assert mock.last().path == "/v1/responses"
    deltas = [e.delta for e in c.responses.create(model="gpt-4o-mini", input="Say hello", stream=True)
              if e.type == "response.output_text.delta"]
    assert "".join(deltas) == MOCK_TEXT
    assert_upstream_credentials(mock, "openai", "authorization")


def test_embeddings(proxy, mock):
    r = client(proxy).embeddings.create(model="text-embedding-3-small", input=["alpha", "beta"])
    assert len(r.data) == 2
    assert r.data[0].embedding == pytest.approx([0.25, -0.5, 0.75])
    assert mock.last().path == "/v1/embeddings"


def test_model_not_allowlisted_is_refused_without_retry(proxy, mock):
    counter = Counter()
    c = client(proxy, http_client=counter.client())  # default max_retries (2)
    before = proxy.inbound_requests()
    with pytest.raises(openai.PermissionDeniedError) as exc:
        c.chat.completions.create(model="gpt-5-forbidden", messages=[{"role": "user", "content": "hi"}])
    assert exc.value.status_code == 403
    assert exc.value.response.headers.get("x-should-retry") == "false"
    assert exc.value.code == "promptwall_policy_violation"
    assert mock.count == 0
    assert counter.n == 1
    proxy.assert_inbound_delta(before, 1)


def test_unknown_key_is_401(proxy, mock):
    counter = Counter()
    before = proxy.inbound_requests()
    with pytest.raises(openai.AuthenticationError) as exc:
        client(proxy, key=UNKNOWN_KEY, http_client=counter.client()).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert exc.value.status_code == 401
    assert isinstance(exc.value.body, dict) and "message" in exc.value.body
    assert mock.count == 0 and counter.n == 1
    proxy.assert_inbound_delta(before, 1)


def test_tenant_not_opted_in_for_provider(proxy, mock):
    with pytest.raises(openai.PermissionDeniedError):
        client(proxy, key=TENANT_ECHO_ONLY_KEY, max_retries=0).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert mock.count == 0


def test_malformed_body_is_400(proxy, mock):
    r = httpx2.post(proxy.url("openai", "/v1/chat/completions"), content=b"{not json",
                    headers={"authorization": f"Bearer {TENANT_KEY}", "content-type": "application/json"})
    assert r.status_code == 400
    assert "message" in r.json()["error"]
    assert mock.count == 0


def test_body_over_cap_is_413(proxy, mock):
    big = "a" * (MAX_BODY + 1024)
    with pytest.raises(openai.APIStatusError) as exc:
        client(proxy, max_retries=0).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": big}])
    assert exc.value.status_code == 413
    assert mock.count == 0


def test_upstream_500_reaches_upstream_once_per_attempt(proxy, mock):
    """promptwall never retries on its own: with retries off, one attempt = one upstream call."""
    mock.fail_with(500, {"error": {"message": "upstream exploded", "type": "server_error", "param": None, "code": None}})
    with pytest.raises(openai.InternalServerError):
        client(proxy, max_retries=0).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert mock.count == 1


def test_upstream_429_is_surfaced_and_not_amplified(proxy, mock):
    mock.fail_with(429, {"error": {"message": "slow down", "type": "rate_limit_error", "param": None, "code": None}},
                   headers={"retry-after-ms": "10"})
    counter = Counter()
    before = proxy.inbound_requests()
    with pytest.raises(openai.RateLimitError) as exc:
        client(proxy, max_retries=1, http_client=counter.client()).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert exc.value.status_code == 429
    # Each SDK attempt reached the upstream exactly once: the proxy neither retries nor swallows.
    assert counter.n >= 1
    proxy.assert_inbound_delta(before, counter.n)
    assert mock.count == counter.n


@pytest.mark.parametrize("name", COMPAT)
def test_openai_compatible_providers(proxy, mock, name):
    prefix = PROVIDERS[name][1]
    model = f"{name}-chat"
    c = client(proxy, provider=name)
    r = c.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say hello"}])
    assert r.choices[0].message.content == MOCK_TEXT
    assert mock.last().path == f"{prefix}/v1/chat/completions"
    stream = c.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say hello"}], stream=True)
    assert "".join(ch.choices[0].delta.content or "" for ch in stream if ch.choices) == MOCK_TEXT
    assert_upstream_credentials(mock, name, "authorization")
    with pytest.raises(openai.PermissionDeniedError):
        c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert mock.count == 2


def test_echo_returns_request_body(proxy, mock):
    c = client(proxy, provider="echo-openai")
    r = c.chat.completions.create(model="any-model", messages=[{"role": "user", "content": "ping pong"}])
    echoed = json.loads(r.choices[0].message.content)
    assert echoed["model"] == "any-model"
    assert echoed["messages"] == [{"role": "user", "content": "ping pong"}]
    stream = c.chat.completions.create(model="any-model", messages=[{"role": "user", "content": "ping pong"}],
                                       stream=True)
    echoed = json.loads("".join(ch.choices[0].delta.content or "" for ch in stream if ch.choices))
    assert echoed["messages"] == [{"role": "user", "content": "ping pong"}] and echoed["stream"] is True
    assert mock.count == 0


def test_streaming_request_upstream_error_is_a_plain_error(proxy, mock):
    """An upstream error before any SSE byte reaches the SDK as a normal status error."""
    mock.fail_with(500, {"error": {"message": "upstream exploded", "type": "server_error", "param": None, "code": None}})
    with pytest.raises(openai.InternalServerError):
        list(client(proxy, max_retries=0).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True))
    assert mock.count == 1
