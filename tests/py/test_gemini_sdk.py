"""The official `google-genai` SDK through promptwall: generateContent, streaming (SSE), function
calling round trip, v1 and v1beta, errors, credential swap (x-goog-api-key, never ?key=).
"""

from __future__ import annotations

import json

import httpx2
import pytest
from google import genai
from google.genai import errors, types

from conftest import TENANT_KEY, UNKNOWN_KEY, assert_upstream_credentials
from mock_upstream import MOCK_TEXT, TOOL_ARGS, TOOL_NAME

MODEL = "gemini-2.5-flash"
TOOL = types.Tool(function_declarations=[types.FunctionDeclaration(
    name=TOOL_NAME, description="Current weather for a city",
    parameters=types.Schema(type="OBJECT", properties={"query": types.Schema(type="STRING"), "unit": types.Schema(type="STRING")}, required=["query"]),
)])


def client(proxy, key: str = TENANT_KEY, provider: str = "gemini", api_version: str | None = None) -> genai.Client:
    opts = types.HttpOptions(base_url=proxy.url(provider), api_version=api_version)
    return genai.Client(api_key=key, http_options=opts)


_CLIENTS: list[genai.Client] = []


def keep(c: genai.Client) -> genai.Client:
    """genai closes its HTTP client when the Client object is collected: keep it alive."""
    _CLIENTS.append(c)
    return c


def test_generate_content(proxy, mock):
    r = keep(client(proxy)).models.generate_content(model=MODEL, contents="Say hello")
    assert r.text == MOCK_TEXT
    assert mock.count == 1
    up = mock.last()
    assert up.path == f"/v1/models/{MODEL}:generateContent"
    assert up.json()["contents"][0]["parts"][0]["text"] == "Say hello"
    assert "key" not in up.query
    assert_upstream_credentials(mock, "gemini", "x-goog-api-key")
    assert up.headers["x-goog-api-key"] == "upstream-gemini-key-3333"


def test_v1beta_segment_forwarded(proxy, mock):
    r = keep(client(proxy, api_version="v1beta")).models.generate_content(model=MODEL, contents="Say hello")
    assert r.text == MOCK_TEXT
    assert mock.last().path == f"/v1beta/models/{MODEL}:generateContent"


def test_query_key_is_accepted_and_stripped(proxy, mock):
    r = httpx2.post(proxy.url("gemini", f"/v1beta/models/{MODEL}:generateContent"), params={"key": TENANT_KEY},
                    json={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]})
    assert r.status_code == 200, r.text
    assert "key" not in mock.last().query
    assert_upstream_credentials(mock, "gemini", "x-goog-api-key")


def test_generate_content_stream(proxy, mock):
    chunks = list(keep(client(proxy)).models.generate_content_stream(model=MODEL, contents="Say hello"))
    assert "".join(c.text or "" for c in chunks) == MOCK_TEXT
    assert len(chunks) >= 2
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    up = mock.last()
    assert up.path == f"/v1/models/{MODEL}:streamGenerateContent" and up.query.get("alt") == ["sse"]
    assert mock.count == 1
    assert_upstream_credentials(mock, "gemini", "x-goog-api-key")


def test_function_call_round_trip(proxy, mock):
    c = client(proxy)
    cfg = types.GenerateContentConfig(tools=[TOOL])
    first = [types.Content(role="user", parts=[types.Part(text="What is the weather today?")])]
    r = c.models.generate_content(model=MODEL, contents=first, config=cfg)
    call = r.function_calls[0]
    assert call.name == TOOL_NAME and call.args == TOOL_ARGS
    assert mock.last().json()["tools"][0]["functionDeclarations"][0]["name"] == TOOL_NAME

    follow = first + [r.candidates[0].content, types.Content(role="user", parts=[
        types.Part.from_function_response(name=TOOL_NAME, response={"forecast": "sunny and mild"})])]
    r2 = c.models.generate_content(model=MODEL, contents=follow, config=cfg)
    assert r2.text == 'The tool said: {"forecast": "sunny and mild"}'
    sent = mock.last().json()["contents"]
    assert sent[1]["parts"][0]["functionCall"]["args"] == TOOL_ARGS
    assert sent[2]["parts"][0]["functionResponse"]["response"] == {"forecast": "sunny and mild"}
    assert mock.count == 2


def test_function_call_streaming(proxy, mock):
    chunks = list(keep(client(proxy)).models.generate_content_stream(
        model=MODEL, contents="Weather today?", config=types.GenerateContentConfig(tools=[TOOL])))
    calls = [fc for ch in chunks for fc in (ch.function_calls or [])]
    assert calls and calls[0].name == TOOL_NAME and calls[0].args == TOOL_ARGS


def test_model_not_allowlisted_is_refused(proxy, mock):
    before = proxy.inbound_requests()
    with pytest.raises(errors.ClientError) as exc:
        keep(client(proxy)).models.generate_content(model="gemini-1.0-pro", contents="hi")
    assert exc.value.code == 403
    assert exc.value.status == "PERMISSION_DENIED"
    assert mock.count == 0
    proxy.assert_inbound_delta(before, 1)


def test_model_not_allowlisted_stream_is_refused(proxy, mock):
    with pytest.raises(errors.ClientError) as exc:
        list(keep(client(proxy)).models.generate_content_stream(model="gemini-1.0-pro", contents="hi"))
    assert exc.value.code == 403
    assert mock.count == 0


def test_unknown_key_is_401(proxy, mock):
    before = proxy.inbound_requests()
    with pytest.raises(errors.ClientError) as exc:
        keep(client(proxy, key=UNKNOWN_KEY)).models.generate_content(model=MODEL, contents="hi")
    assert exc.value.code == 401
    assert mock.count == 0
    proxy.assert_inbound_delta(before, 1)


def test_upstream_server_error(proxy, mock):
    mock.fail_with(503, {"error": {"code": 503, "message": "unavailable", "status": "UNAVAILABLE"}})
    with pytest.raises(errors.ServerError) as exc:
        keep(client(proxy)).models.generate_content(model=MODEL, contents="hi")
    assert exc.value.code >= 500
    assert mock.count == 1


def test_echo_returns_request_body(proxy, mock):
    c = client(proxy, provider="echo-gemini")
    r = c.models.generate_content(model="any-model", contents="ping pong")
    echoed = json.loads(r.text)
    assert echoed["contents"][0]["parts"][0]["text"] == "ping pong"
    chunks = list(c.models.generate_content_stream(model="any-model", contents="ping pong"))
    echoed = json.loads("".join(ch.text or "" for ch in chunks))
    assert echoed["contents"][0]["parts"][0]["text"] == "ping pong"
    assert mock.count == 0
