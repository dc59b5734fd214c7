//! Walker tests over the fixture bodies in `tests/fixtures/bodies/`.

use serde_json::{json, Value};

use super::*;
use crate::providers::endpoint::Endpoint;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/bodies/",
            $name
        ))
    };
}

/// Every fixture: name, endpoint, request (`true`) or response, text.
const FIXTURES: &[(&str, Endpoint, bool, &str)] = &[
    (
        "openai_chat",
        Endpoint::OpenAiChat,
        true,
        fixture!("openai_chat.json"),
    ),
    (
        "openai_chat_compat",
        Endpoint::OpenAiChat,
        true,
        fixture!("openai_chat_compat.json"),
    ),
    (
        "openai_responses",
        Endpoint::OpenAiResponses,
        true,
        fixture!("openai_responses.json"),
    ),
    (
        "openai_embeddings",
        Endpoint::OpenAiEmbeddings,
        true,
        fixture!("openai_embeddings.json"),
    ),
    (
        "openai_embeddings_tokens",
        Endpoint::OpenAiEmbeddings,
        true,
        fixture!("openai_embeddings_tokens.json"),
    ),
    (
        "openai_completions",
        Endpoint::OpenAiCompletions,
        true,
        fixture!("openai_completions.json"),
    ),
    (
        "anthropic_messages",
        Endpoint::AnthropicMessages,
        true,
        fixture!("anthropic_messages.json"),
    ),
    (
        "anthropic_count_tokens",
        Endpoint::AnthropicCountTokens,
        true,
        fixture!("anthropic_count_tokens.json"),
    ),
    (
        "gemini_generate",
        Endpoint::GeminiGenerate,
        true,
        fixture!("gemini_generate.json"),
    ),
    (
        "gemini_generate_snake",
        Endpoint::GeminiStreamGenerate,
        true,
        fixture!("gemini_generate_snake.json"),
    ),
    (
        "gemini_count_tokens",
        Endpoint::GeminiCountTokens,
        true,
        fixture!("gemini_count_tokens.json"),
    ),
    (
        "gemini_embed",
        Endpoint::GeminiEmbed,
        true,
        fixture!("gemini_embed.json"),
    ),
    (
        "gemini_batch_embed",
        Endpoint::GeminiBatchEmbed,
        true,
        fixture!("gemini_batch_embed.json"),
    ),
    (
        "openai_chat_response",
        Endpoint::OpenAiChat,
        false,
        fixture!("openai_chat_response.json"),
    ),
    (
        "openai_completions_response",
        Endpoint::OpenAiCompletions,
        false,
        fixture!("openai_completions_response.json"),
    ),
    (
        "openai_responses_response",
        Endpoint::OpenAiResponses,
        false,
        fixture!("openai_responses_response.json"),
    ),
    (
        "anthropic_response",
        Endpoint::AnthropicMessages,
        false,
        fixture!("anthropic_response.json"),
    ),
    (
        "gemini_response",
        Endpoint::GeminiGenerate,
        false,
        fixture!("gemini_response.json"),
    ),
];

fn load(name: &str) -> (Endpoint, bool, Value) {
    let (_, ep, req, text) = FIXTURES
        .iter()
        .find(|f| f.0 == name)
        .expect("fixture listed");
    (
        *ep,
        *req,
        serde_json::from_str(text).expect("fixture parses"),
    )
}

/// A visitor that records what it sees and optionally tags every text leaf as `«text»`.
#[derive(Default)]
struct Recorder {
    tag: bool,
    texts: Vec<(String, TextKind)>,
    media: Vec<(String, MediaKind)>,
    refuse_media: bool,
}

impl Visitor for Recorder {
    fn text(
        &mut self,
        text: &mut String,
        kind: TextKind,
        path: &Path,
    ) -> Result<(), TransformError> {
        self.texts.push((path.to_string(), kind));
        if self.tag {
            text.insert(0, '«');
            text.push('»');
        }
        Ok(())
    }
    fn media(&mut self, kind: MediaKind, path: &Path) -> Result<(), TransformError> {
        self.media.push((path.to_string(), kind));
        if self.refuse_media {
            return Err(TransformError::Refused("media".into()));
        }
        Ok(())
    }
}

fn run(
    ep: Endpoint,
    req: bool,
    body: &mut Value,
    v: &mut Recorder,
) -> Result<WalkStats, TransformError> {
    if req {
        walk_request(ep, body, v)
    } else {
        walk_response(ep, body, v)
    }
}

/// JSON pointers where `a` and `b` differ (string leaves, key sets, anything else).
fn changed(a: &Value, b: &Value, ptr: &mut String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if x.keys().ne(y.keys()) {
                out.push(format!("{ptr}{{keys}}"));
                return;
            }
            for (k, va) in x {
                let len = ptr.len();
                ptr.push('/');
                ptr.push_str(k);
                changed(va, &y[k], ptr, out);
                ptr.truncate(len);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                let len = ptr.len();
                ptr.push_str(&format!("/{i}"));
                changed(va, vb, ptr, out);
                ptr.truncate(len);
            }
        }
        _ => {
            if a != b {
                out.push(ptr.clone());
            }
        }
    }
}

/// Walk `name` with a tagging recorder; return the recorder, the stats and the pointers
/// whose value changed.
fn tag_walk(name: &str) -> (Recorder, WalkStats, Vec<String>) {
    let (ep, req, original) = load(name);
    let mut body = original.clone();
    let mut rec = Recorder {
        tag: true,
        ..Recorder::default()
    };
    let stats = run(ep, req, &mut body, &mut rec).expect("walk succeeds");
    let mut diffs = Vec::new();
    changed(&original, &body, &mut String::new(), &mut diffs);
    (rec, stats, diffs)
}

/// Walk `name` with a tagger and compare the changed pointers with `expected`.
fn assert_changes(name: &str, expected: &[&str]) -> (Recorder, WalkStats) {
    let (rec, stats, mut diffs) = tag_walk(name);
    diffs.sort();
    let mut want: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(diffs, want, "{name}: changed pointers");
    (rec, stats)
}

fn media(rec: &Recorder) -> Vec<(&str, MediaKind)> {
    rec.media.iter().map(|(p, k)| (p.as_str(), *k)).collect()
}

/// After a tagging walk, the serialized values at `pointers` are byte-identical.
fn assert_untouched(name: &str, pointers: &[&str]) {
    let (ep, req, original) = load(name);
    let mut body = original.clone();
    let mut rec = Recorder {
        tag: true,
        ..Recorder::default()
    };
    run(ep, req, &mut body, &mut rec).expect("walk succeeds");
    for p in pointers {
        let before = original
            .pointer(p)
            .unwrap_or_else(|| panic!("{name}: {p} exists"));
        let after = body.pointer(p).expect("still there");
        assert_eq!(
            serde_json::to_string(before).expect("ser"),
            serde_json::to_string(after).expect("ser"),
            "{name}: {p} must be byte-identical"
        );
    }
}

#[test]
fn openai_chat_scans_exactly_the_text_fields() {
    let (rec, stats) = assert_changes(
        "openai_chat",
        &[
            "/messages/0/content",
            "/messages/1/content/0/text",
            "/messages/2/content/0/text",
            "/messages/2/content/3/file/filename",
            "/messages/2/name",
            "/messages/3/tool_calls/0/function/arguments",
            "/messages/3/tool_calls/1/custom/input",
            "/messages/4/content",
            "/messages/5/content/0/text",
            "/messages/6/content",
            "/messages/7/content",
            "/messages/7/name",
            "/messages/8/content",
            "/messages/8/function_call/arguments",
            "/messages/9/content/0/refusal",
            "/metadata/customer_email",
            "/metadata/ticket",
            "/prediction/content/0/text",
            "/prompt_cache_key",
            "/safety_identifier",
            "/user",
            "/web_search_options/user_location/approximate/city",
            "/web_search_options/user_location/approximate/country",
            "/web_search_options/user_location/approximate/region",
            "/web_search_options/user_location/approximate/timezone",
        ],
    );
    assert_eq!(
        media(&rec),
        vec![
            ("messages[2].content[1].image_url", MediaKind::Image),
            ("messages[2].content[2].input_audio", MediaKind::Audio),
            ("messages[2].content[3].file", MediaKind::File),
        ]
    );
    assert_eq!(stats.json_arguments, 2);
    assert_eq!(stats.media_parts, 3);
    let kinds: Vec<(&str, TextKind)> = rec
        .texts
        .iter()
        .filter(|(p, _)| !p.contains("<json>"))
        .map(|(p, k)| (p.as_str(), *k))
        .collect();
    assert!(kinds.contains(&("messages[2].name", TextKind::Name)));
    assert!(kinds.contains(&("messages[2].content[3].file.filename", TextKind::Name)));
    assert!(kinds.contains(&(
        "messages[3].tool_calls[1].custom.input",
        TextKind::ToolArguments
    )));
    assert!(kinds.contains(&("user", TextKind::Identifier)));
    assert!(kinds.contains(&("metadata.*", TextKind::Identifier)));
    assert!(kinds.contains(&("messages[0].content", TextKind::Prompt)));
    // Inside the JSON-encoded arguments: 3 keys + 2 values at the top, 3 keys + 2 tags nested.
    let args: Vec<&str> = rec
        .texts
        .iter()
        .filter(|(p, k)| p.starts_with("messages[3].") && *k == TextKind::ToolArguments)
        .map(|(p, _)| p.as_str())
        .collect();
    let count = |s: &str| args.iter().filter(|p| **p == s).count();
    assert_eq!(
        count("messages[3].tool_calls[0].function.arguments<json>.{key}"),
        3
    );
    assert_eq!(
        count("messages[3].tool_calls[0].function.arguments<json>.*"),
        2
    );
    assert_eq!(
        count("messages[3].tool_calls[0].function.arguments<json>.*.{key}"),
        3
    );
    assert_eq!(
        count("messages[3].tool_calls[0].function.arguments<json>.*.*[0]"),
        1
    );
    assert_eq!(
        count("messages[3].tool_calls[0].function.arguments<json>.*.*[1]"),
        1
    );
}

#[test]
fn openai_chat_never_modifies_ids_media_and_config() {
    assert_untouched(
        "openai_chat",
        &[
            "/model",
            "/tools",
            "/tool_choice",
            "/response_format",
            "/stop",
            "/logit_bias",
            "/temperature",
            "/messages/0/role",
            "/messages/3/tool_calls/0/id",
            "/messages/3/tool_calls/0/function/name",
            "/messages/3/tool_calls/1/custom/name",
            "/messages/4/tool_call_id",
            "/messages/2/content/1",
            "/messages/2/content/2",
            "/messages/2/content/3/file/file_data",
            "/messages/6/audio",
            "/web_search_options/search_context_size",
        ],
    );
}

#[test]
fn openai_chat_compat_extras() {
    let (rec, stats) = assert_changes(
        "openai_chat_compat",
        &[
            "/messages/0/content",
            "/messages/1/content/0/text",
            "/messages/1/content/1/document_name",
            "/messages/2/content",
            "/messages/2/reasoning_content",
            "/messages/3/content/0/text",
            // object-valued arguments (Mistral): keys and values are visited
            "/messages/3/tool_calls/0/function/arguments{keys}",
            "/messages/4/content",
            "/messages/4/reasoning",
            "/messages/4/reasoning_details/2/summary",
            "/messages/5/content",
            // unknown message key and unknown top-level fields: generic rule
            "/messages/5/x_vendor_note",
            "/x_custom_context",
            "/x_custom_flags/region",
        ],
    );
    assert_eq!(
        media(&rec),
        vec![
            ("messages[1].content[1].document_url", MediaKind::Url),
            ("messages[1].content[2].image_url", MediaKind::Image),
        ]
    );
    // signed and encrypted reasoning_details entries
    assert_eq!(stats.opaque_skipped, 2);
    assert_untouched(
        "openai_chat_compat",
        &[
            "/messages/3/content/1",
            "/messages/3/tool_calls/0/id",
            "/messages/4/reasoning_details/0",
            "/messages/4/reasoning_details/1",
            "/messages/2/prefix",
            "/enable_thinking",
            "/thinking",
            "/stream_options",
        ],
    );
}

#[test]
fn openai_responses_items() {
    let (rec, stats) = assert_changes(
        "openai_responses",
        &[
            "/input/0/content",
            "/input/1/content/0/text",
            "/input/1/content/2/filename",
            "/input/3/content/0/text",
            "/input/4/arguments",
            "/input/5/output",
            "/input/6/output/0/text",
            "/input/7/input",
            "/input/8/output",
            "/input/9/arguments",
            "/input/9/output",
            "/input/10/action/command/0",
            "/input/10/action/command/1",
            "/input/10/action/env/USER",
            "/input/11/output",
            "/input/12/output/0/stderr",
            "/input/12/output/0/stdout",
            "/input/13/operation/diff",
            "/input/13/operation/path",
            "/instructions",
            "/metadata/customer",
            "/prompt/variables/customer_name",
            "/prompt/variables/ticket/text",
            "/prompt_cache_key",
            "/safety_identifier",
            "/user",
        ],
    );
    assert_eq!(
        media(&rec),
        vec![
            ("input[1].content[1]", MediaKind::Image),
            ("input[1].content[2]", MediaKind::File),
            ("input[1].content[3]", MediaKind::File),
            ("input[6].output[1]", MediaKind::Image),
            ("input[14].output", MediaKind::Image),
        ]
    );
    // reasoning, item_reference, web_search_call
    assert_eq!(stats.opaque_skipped, 3);
    assert_untouched(
        "openai_responses",
        &[
            "/input/2",
            "/input/3/content/0/annotations",
            "/input/3/id",
            "/input/4/call_id",
            "/input/4/name",
            "/input/15",
            "/input/16",
            "/tools",
            "/text",
            "/reasoning",
            "/include",
            "/previous_response_id",
            "/prompt/id",
        ],
    );
}

#[test]
fn embeddings_and_completions() {
    assert_changes("openai_embeddings", &["/input/0", "/input/1", "/user"]);
    assert_untouched("openai_embeddings", &["/encoding_format", "/dimensions"]);
    assert_changes(
        "openai_completions",
        &["/prompt/0", "/prompt/1", "/suffix", "/user"],
    );
    assert_untouched("openai_completions", &["/stop", "/echo"]);
}

#[test]
fn pre_tokenized_input_is_refused() {
    let (ep, _, mut body) = load("openai_embeddings_tokens");
    let err = walk_request(ep, &mut body, &mut Recorder::default()).unwrap_err();
    assert!(matches!(err, TransformError::Refused(ref r) if r == PRE_TOKENIZED));
    for body in [
        json!({"model": "m", "input": [1, 2, 3]}),
        json!({"model": "m", "input": ["text", 3]}),
        json!({"model": "m", "input": 42}),
    ] {
        let mut b = body.clone();
        let err = walk_request(Endpoint::OpenAiEmbeddings, &mut b, &mut Recorder::default());
        assert!(matches!(err, Err(TransformError::Refused(ref r)) if r == PRE_TOKENIZED));
    }
    for prompt in [json!([40, 1097]), json!([[40, 1097], [9906]])] {
        let mut b = json!({"model": "m", "prompt": prompt});
        let err = walk_request(
            Endpoint::OpenAiCompletions,
            &mut b,
            &mut Recorder::default(),
        );
        assert!(matches!(err, Err(TransformError::Refused(ref r)) if r == PRE_TOKENIZED));
    }
}

#[test]
fn anthropic_blocks() {
    let (rec, stats) = assert_changes(
        "anthropic_messages",
        &[
            "/messages/0/content",
            "/messages/1/content/0/text",
            "/messages/1/content/3/context",
            "/messages/1/content/3/title",
            "/messages/1/content/4/source/data",
            "/messages/1/content/5/source/content/0/text",
            "/messages/1/content/7/content/0/text",
            "/messages/1/content/7/source",
            "/messages/1/content/7/title",
            "/messages/2/content/2/citations/0/cited_text",
            "/messages/2/content/2/citations/0/document_title",
            "/messages/2/content/2/text",
            "/messages/2/content/3/input{keys}",
            "/messages/3/content/0/content/0/text",
            "/messages/3/content/1/content",
            "/messages/4/content/0/input{keys}",
            "/messages/4/content/2/text",
            "/messages/5/content",
            "/metadata/user_id",
            "/system/0/text",
        ],
    );
    assert_eq!(
        media(&rec),
        vec![
            ("messages[1].content[1].source", MediaKind::Image),
            ("messages[1].content[2].source", MediaKind::Image),
            ("messages[1].content[3].source", MediaKind::File),
            ("messages[1].content[6].source", MediaKind::File),
            ("messages[3].content[0].content[1].source", MediaKind::Image),
        ]
    );
    // thinking, redacted_thinking, web_search_tool_result
    assert_eq!(stats.opaque_skipped, 3);
    assert!(rec
        .texts
        .iter()
        .any(|(p, k)| p == "metadata.*" && *k == TextKind::Identifier));
    assert_untouched(
        "anthropic_messages",
        &[
            "/model",
            "/messages/2/content/0",
            "/messages/2/content/1",
            "/messages/2/content/3/id",
            "/messages/2/content/3/name",
            "/messages/3/content/0/tool_use_id",
            "/messages/4/content/0/id",
            "/messages/4/content/1",
            "/messages/1/content/1",
            "/messages/1/content/3/source",
            "/messages/1/content/3/citations",
            "/system/0/cache_control",
            "/tools",
            "/tool_choice",
            "/thinking",
            "/mcp_servers",
            "/stop_sequences",
        ],
    );
    assert_changes(
        "anthropic_count_tokens",
        &["/messages/0/content", "/system"],
    );
}

#[test]
fn tool_use_input_keys_and_values_are_visited() {
    let (ep, req, mut body) = load("anthropic_messages");
    let mut rec = Recorder {
        tag: true,
        ..Recorder::default()
    };
    run(ep, req, &mut body, &mut rec).expect("walk");
    assert_eq!(
        body.pointer("/messages/2/content/3/input"),
        Some(&json!({
            "«email»": "«jane.roe@example.org»",
            "«filters»": {"«names»": ["«Jane»", "«Roe»"], "«limit»": 3}
        }))
    );
}

#[test]
fn gemini_camel_case() {
    let (rec, stats) = assert_changes(
        "gemini_generate",
        &[
            "/contents/0/parts/0/text",
            "/contents/1/parts/2/functionCall/args{keys}",
            "/contents/1/parts/3/executableCode/code",
            "/contents/1/parts/4/codeExecutionResult/output",
            "/contents/2/parts/0/functionResponse/response{keys}",
            "/contents/2/parts/1/text",
            "/labels/customer",
            "/labels/team",
            "/systemInstruction/parts/0/text",
        ],
    );
    assert_eq!(
        media(&rec),
        vec![
            ("contents[0].parts[1].inlineData", MediaKind::Image),
            ("contents[0].parts[2].inlineData", MediaKind::Audio),
            ("contents[0].parts[3].fileData", MediaKind::Url),
            (
                "contents[2].parts[0].functionResponse.parts[0].inlineData",
                MediaKind::Image
            ),
        ]
    );
    // the thought part and the part carrying a thoughtSignature
    assert_eq!(stats.opaque_skipped, 2);
    assert_untouched(
        "gemini_generate",
        &[
            "/contents/1/parts/0",
            "/contents/1/parts/1",
            "/contents/1/parts/2/functionCall/id",
            "/contents/1/parts/2/functionCall/name",
            "/contents/0/parts/1",
            "/contents/0/role",
            "/tools",
            "/toolConfig",
            "/safetySettings",
            "/generationConfig",
            "/cachedContent",
            "/systemInstruction/role",
        ],
    );
}

#[test]
fn gemini_snake_case_is_walked_and_re_emitted_as_received() {
    let (rec, stats) = assert_changes(
        "gemini_generate_snake",
        &[
            "/contents/0/parts/0/text",
            "/contents/1/parts/2/function_call/args{keys}",
            "/contents/1/parts/3/executable_code/code",
            "/contents/1/parts/4/code_execution_result/output",
            "/contents/2/parts/0/function_response/response{keys}",
            "/labels/user",
            "/system_instruction/parts/0/text",
        ],
    );
    assert_eq!(
        media(&rec),
        vec![
            ("contents[0].parts[1].inline_data", MediaKind::File),
            ("contents[0].parts[2].file_data", MediaKind::Url),
        ]
    );
    assert_eq!(stats.opaque_skipped, 2);
    assert_untouched(
        "gemini_generate_snake",
        &[
            "/contents/1/parts/0",
            "/contents/1/parts/1",
            "/generation_config",
            "/safety_settings",
            "/tool_config",
        ],
    );
    assert_changes(
        "gemini_count_tokens",
        &[
            "/generateContentRequest/contents/0/parts/0/text",
            "/generateContentRequest/systemInstruction/parts/0/text",
        ],
    );
    assert_untouched(
        "gemini_count_tokens",
        &[
            "/generateContentRequest/model",
            "/generateContentRequest/generationConfig",
        ],
    );
    assert_changes("gemini_embed", &["/content/parts/0/text", "/title"]);
    assert_untouched("gemini_embed", &["/model", "/taskType"]);
}

#[test]
fn gemini_batch_embed_walks_every_request_like_embed_content() {
    let (rec, stats) = assert_changes(
        "gemini_batch_embed",
        &[
            "/requests/0/content/parts/0/text",
            "/requests/0/title",
            "/requests/1/content/parts/0/text",
            "/requests/1/x_vendor_note",
        ],
    );
    let texts: Vec<(&str, TextKind)> = rec.texts.iter().map(|(p, k)| (p.as_str(), *k)).collect();
    assert_eq!(
        texts,
        vec![
            ("requests[0].content.parts[0].text", TextKind::Prompt),
            ("requests[0].title", TextKind::Prompt),
            ("requests[1].content.parts[0].text", TextKind::Prompt),
            ("requests[1].*", TextKind::Prompt),
        ]
    );
    assert_eq!(
        media(&rec),
        vec![("requests[1].content.parts[1].inlineData", MediaKind::Image)]
    );
    assert_eq!(stats.fields_scanned, 4);
    assert_untouched(
        "gemini_batch_embed",
        &[
            "/requests/0/model",
            "/requests/0/taskType",
            "/requests/0/outputDimensionality",
            "/requests/0/content/role",
            "/requests/1/model",
            "/requests/1/task_type",
            "/requests/1/content/parts/1",
        ],
    );
}

#[test]
fn responses_to_restore() {
    assert_changes(
        "openai_chat_response",
        &[
            "/choices/0/message/audio/transcript",
            "/choices/0/message/content",
            "/choices/0/message/tool_calls/0/function/arguments",
            "/choices/1/message/reasoning_content",
            "/choices/1/message/refusal",
        ],
    );
    assert_untouched(
        "openai_chat_response",
        &[
            "/id",
            "/model",
            "/choices/0/message/tool_calls/0/id",
            "/choices/0/message/audio/data",
            "/usage",
        ],
    );
    assert_changes("openai_completions_response", &["/choices/0/text"]);
    let (_, stats) = assert_changes(
        "openai_responses_response",
        &["/output/1/content/0/text", "/output/2/arguments"],
    );
    assert_eq!(stats.opaque_skipped, 1);
    assert_untouched(
        "openai_responses_response",
        &["/output/0", "/output/2/call_id"],
    );
    assert_changes(
        "anthropic_response",
        &["/content/1/text", "/content/2/input{keys}"],
    );
    assert_untouched("anthropic_response", &["/content/0", "/content/2/id"]);
    assert_changes(
        "gemini_response",
        &[
            "/candidates/0/content/parts/1/text",
            "/candidates/0/content/parts/3/functionCall/args{keys}",
        ],
    );
    assert_untouched(
        "gemini_response",
        &[
            "/candidates/0/content/parts/0",
            "/candidates/0/content/parts/2",
            "/usageMetadata",
        ],
    );
}

#[test]
fn gemini_stream_without_sse_is_an_array_of_responses() {
    let one: Value = serde_json::from_str(fixture!("gemini_response.json")).expect("parses");
    let mut body = Value::Array(vec![one.clone(), one]);
    let mut rec = Recorder::default();
    let stats = walk_response(Endpoint::GeminiStreamGenerate, &mut body, &mut rec).expect("walk");
    assert_eq!(stats.fields_scanned, 6);
    assert_eq!(rec.texts[3].0, "[1].candidates[0].content.parts[1].text");
}

#[test]
fn identity_walk_leaves_every_fixture_byte_identical() {
    for (name, ep, req, text) in FIXTURES {
        let original: Value = serde_json::from_str(text).expect("parses");
        let mut body = original.clone();
        let mut rec = Recorder::default();
        match run(*ep, *req, &mut body, &mut rec) {
            Ok(stats) => assert!(stats.fields_scanned > 0, "{name}: something scanned"),
            Err(TransformError::Refused(_)) if *name == "openai_embeddings_tokens" => {}
            Err(e) => panic!("{name}: {e}"),
        }
        assert_eq!(
            serde_json::to_string(&original).expect("ser"),
            serde_json::to_string(&body).expect("ser"),
            "{name}"
        );
    }
}

/// Untag a value produced by the tagging recorder.
fn untag(v: &mut Value) {
    match v {
        Value::String(s) => {
            assert!(s.starts_with('«') && s.ends_with('»'), "leaf was visited");
            // One tag each side: the text itself may start with `«` (a generated value did).
            *s = s
                .strip_prefix('«')
                .and_then(|t| t.strip_suffix('»'))
                .expect("tagged")
                .to_owned();
        }
        Value::Array(a) => a.iter_mut().for_each(untag),
        Value::Object(m) => {
            let old = std::mem::take(m);
            for (k, mut val) in old {
                untag(&mut val);
                let mut key = Value::String(k);
                untag(&mut key);
                m.insert(key.as_str().expect("str").to_owned(), val);
            }
        }
        _ => {}
    }
}

/// A chat body with one assistant tool call carrying `args` as its arguments string.
fn chat_with_arguments(args: &str) -> Value {
    json!({
        "model": "m",
        "messages": [{"role": "assistant", "content": null, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": args}}
        ]}]
    })
}

const ARGS_PTR: &str = "/messages/0/tool_calls/0/function/arguments";

#[test]
fn json_arguments_round_trip() {
    let original = json!({
        "quote": "she said \"hi\" and left\\",
        "unicode": "Zoë 😀 日本語 \u{0007}",
        "nested": {"deep": [{"x": "y"}, 1, null, true, 2.5], "empty": {}},
        "n": -12
    });
    let args = serde_json::to_string_pretty(&original).expect("ser");
    // identity: byte-identical, whitespace included
    let mut body = chat_with_arguments(&args);
    walk_request(Endpoint::OpenAiChat, &mut body, &mut Recorder::default()).expect("walk");
    assert_eq!(body.pointer(ARGS_PTR), Some(&Value::String(args.clone())));
    // tagging: still a JSON string, every key and string leaf tagged, nothing else changed
    let mut rec = Recorder {
        tag: true,
        ..Recorder::default()
    };
    let stats = walk_request(Endpoint::OpenAiChat, &mut body, &mut rec).expect("walk");
    assert_eq!(stats.json_arguments, 1);
    let s = body
        .pointer(ARGS_PTR)
        .and_then(Value::as_str)
        .expect("string");
    let mut parsed: Value = serde_json::from_str(s).expect("still JSON");
    assert_eq!(parsed["«quote»"], json!("«she said \"hi\" and left\\»"));
    untag(&mut parsed);
    assert_eq!(parsed, original);
}

#[test]
fn unparseable_arguments_are_scanned_as_text() {
    let mut body = chat_with_arguments("{\"email\": \"jane@example.org\", ");
    let mut rec = Recorder {
        tag: true,
        ..Recorder::default()
    };
    let stats = walk_request(Endpoint::OpenAiChat, &mut body, &mut rec).expect("walk");
    assert_eq!(stats.json_arguments_unparsed, 1);
    assert_eq!(
        body.pointer(ARGS_PTR),
        Some(&json!("«{\"email\": \"jane@example.org\", »"))
    );
    assert_eq!(
        rec.texts[0],
        (
            "messages[0].tool_calls[0].function.arguments".to_owned(),
            TextKind::ToolArguments
        )
    );
}

/// A visitor that renames every key `a` to `b`.
struct Renamer;
impl Visitor for Renamer {
    fn text(&mut self, t: &mut String, _: TextKind, _: &Path) -> Result<(), TransformError> {
        if t == "a" {
            *t = "b".to_owned();
        }
        Ok(())
    }
    fn media(&mut self, _: MediaKind, _: &Path) -> Result<(), TransformError> {
        Ok(())
    }
}

#[test]
fn renaming_a_key_onto_an_existing_key_is_refused() {
    let mut ok = chat_with_arguments(r#"{"a": 1, "c": 2}"#);
    walk_request(Endpoint::OpenAiChat, &mut ok, &mut Renamer).expect("walk");
    assert_eq!(ok.pointer(ARGS_PTR), Some(&json!(r#"{"b":1,"c":2}"#)));
    let mut clash = chat_with_arguments(r#"{"a": 1, "b": 2}"#);
    let err = walk_request(Endpoint::OpenAiChat, &mut clash, &mut Renamer).unwrap_err();
    assert!(matches!(err, TransformError::UnexpectedShape { .. }));
}

fn shape_error(ep: Endpoint, mut body: Value) -> String {
    match walk_request(ep, &mut body, &mut Recorder::default()) {
        Err(TransformError::UnexpectedShape { path }) => path,
        other => panic!("expected UnexpectedShape, got {other:?}"),
    }
}

#[test]
fn malformed_shapes_fail_closed() {
    use Endpoint::*;
    let cases: Vec<(Endpoint, Value, &str)> = vec![
        (OpenAiChat, json!([1, 2]), "$"),
        (
            OpenAiChat,
            json!({"messages": {"role": "user"}}),
            "messages",
        ),
        (OpenAiChat, json!({"messages": ["hello"]}), "messages[0]"),
        (
            OpenAiChat,
            json!({"messages": [{"role": "user", "content": 5}]}),
            "messages[0].content",
        ),
        (
            OpenAiChat,
            json!({"messages": [{"role": "user", "content": ["hi"]}]}),
            "messages[0].content[0]",
        ),
        (
            OpenAiChat,
            json!({"messages": [{"role": "user", "content": [{"type": "text", "text": {"x": 1}}]}]}),
            "messages[0].content[0].text",
        ),
        (
            OpenAiChat,
            json!({"messages": [{"role": "user", "name": 7, "content": "x"}]}),
            "messages[0].name",
        ),
        (
            OpenAiChat,
            json!({"messages": [{"role": "assistant", "tool_calls": [{"function": {"arguments": 12}}]}]}),
            "messages[0].tool_calls[0].function.arguments",
        ),
        (
            OpenAiResponses,
            json!({"input": [{"content": "no type, no role"}]}),
            "input[0].type",
        ),
        (OpenAiResponses, json!({"input": 5}), "input"),
        (
            AnthropicMessages,
            json!({"messages": [{"role": "user", "content": [{"text": "no type"}]}]}),
            "messages[0].content[0].type",
        ),
        (AnthropicMessages, json!({"system": 3}), "system"),
        (
            GeminiGenerate,
            json!({"contents": [{"parts": {"text": "x"}}]}),
            "contents[0].parts",
        ),
        (
            GeminiGenerate,
            json!({"contents": [{"parts": ["x"]}]}),
            "contents[0].parts[0]",
        ),
        (GeminiEmbed, json!({"content": "bare string"}), "content"),
        (
            GeminiBatchEmbed,
            json!({"requests": {"content": {"parts": [{"text": "x"}]}}}),
            "requests",
        ),
        (GeminiBatchEmbed, json!({"requests": ["x"]}), "requests[0]"),
        (
            GeminiBatchEmbed,
            json!({"requests": [{"content": {"parts": []}}, {"content": "bare string"}]}),
            "requests[1].content",
        ),
        (
            GeminiBatchEmbed,
            json!({"requests": [{"content": {"parts": [{"text": 5}]}}]}),
            "requests[0].content.parts[0].text",
        ),
        (
            GeminiBatchEmbed,
            json!({"requests": [{"title": ["t"]}]}),
            "requests[0].title",
        ),
        (OpenAiModels, json!({"x": 1}), "$"),
    ];
    for (ep, body, want) in cases {
        assert_eq!(shape_error(ep, body), want);
    }
}

#[test]
fn error_paths_never_contain_body_text() {
    let body = json!({"messages": [{"role": "assistant", "tool_calls": [
        {"function": {"arguments": {"jane.roe@example.org": {"secret-key": [1, {"x": 2}]}}}},
        {"function": "not an object"}
    ]}]});
    let path = shape_error(Endpoint::OpenAiChat, body);
    assert_eq!(path, "messages[0].tool_calls[1].function");
    // unknown keys render as `*`
    let mut rec = Recorder::default();
    let mut b = json!({"x_vendor": {"jane.roe@example.org": "v"}});
    walk_request(Endpoint::OpenAiChat, &mut b, &mut rec).expect("walk");
    assert_eq!(rec.texts[0].0, "*.*");
}

#[test]
fn media_refusal_stops_the_walk() {
    let (ep, req, mut body) = load("openai_chat");
    let mut rec = Recorder {
        refuse_media: true,
        ..Recorder::default()
    };
    assert!(run(ep, req, &mut body, &mut rec).is_err());
    assert_eq!(rec.media.len(), 1);
}

/// Records read-only opaque text.
#[derive(Default)]
struct OpaqueSeer(Vec<String>);
impl Visitor for OpaqueSeer {
    fn text(&mut self, _: &mut String, _: TextKind, _: &Path) -> Result<(), TransformError> {
        Ok(())
    }
    fn media(&mut self, _: MediaKind, _: &Path) -> Result<(), TransformError> {
        Ok(())
    }
    fn opaque_text(&mut self, text: &str, _: &Path) -> Result<(), TransformError> {
        self.0.push(text.to_owned());
        Ok(())
    }
}

#[test]
fn signed_content_is_shown_read_only_without_signatures() {
    let (ep, _, mut body) = load("anthropic_messages");
    let mut seer = OpaqueSeer::default();
    walk_request(ep, &mut body, &mut seer).expect("walk");
    // the thinking text, not the signature, not redacted data, not server-tool results
    assert_eq!(
        seer.0,
        vec!["Jane Roe (jane.roe@example.org) wants a refund.".to_owned()]
    );

    let (ep, _, mut body) = load("gemini_generate");
    let mut seer = OpaqueSeer::default();
    walk_request(ep, &mut body, &mut seer).expect("walk");
    assert_eq!(seer.0.len(), 4, "{:?}", seer.0);
    assert!(seer.0.iter().all(|t| !t.contains("signature")));
}

#[test]
fn body_less_endpoints() {
    let mut rec = Recorder::default();
    for ep in [
        Endpoint::OpenAiModels,
        Endpoint::AnthropicModels,
        Endpoint::GeminiModels,
    ] {
        assert_eq!(
            walk_request(ep, &mut Value::Null, &mut rec).expect("ok"),
            WalkStats::default()
        );
        assert!(walk_request(ep, &mut json!({}), &mut rec).is_ok());
    }
}

mod props {
    use proptest::prelude::*;

    use super::*;

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            "[a-z]{0,3}|text|type|input_text|tool_use|thinking|functionCall|parts|content|\\PC{0,8}"
                .prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(
                    "type|text|role|content|parts|messages|input|contents|arguments|function|tool_calls|thought|args|[a-z]{1,4}",
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    const ENDPOINTS: &[Endpoint] = &[
        Endpoint::OpenAiChat,
        Endpoint::OpenAiResponses,
        Endpoint::OpenAiEmbeddings,
        Endpoint::OpenAiCompletions,
        Endpoint::AnthropicMessages,
        Endpoint::GeminiGenerate,
        Endpoint::GeminiCountTokens,
        Endpoint::GeminiEmbed,
        Endpoint::GeminiBatchEmbed,
    ];

    /// Fixture requests (not the pre-tokenized one) and their baseline changed pointers.
    fn fixture_index() -> impl Strategy<Value = usize> {
        (0..FIXTURES.len())
            .prop_filter("walkable", |i| FIXTURES[*i].0 != "openai_embeddings_tokens")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any fixture with arbitrary text (quotes, unicode, JSON-looking strings, `«`) in
        /// its plain text leaves: an identity walk leaves it byte-identical, and a tagging
        /// walk changes exactly the same pointers as for the original text.
        #[test]
        fn fixture_text_content_does_not_change_what_is_visited(
            i in fixture_index(),
            texts in prop::collection::vec("\\PC{0,24}|\\{\"a\": \"b\"\\}|\"|«»|\\\\", 64),
        ) {
            let (name, ep, req, text) = FIXTURES[i];
            let (_, _, baseline) = tag_walk(name);
            let mut body: Value = serde_json::from_str(text).expect("parses");
            let mut n = 0;
            for ptr in &baseline {
                if ptr.ends_with("{keys}") || ptr.ends_with("arguments") {
                    continue;
                }
                if let Some(slot) = body.pointer_mut(ptr) {
                    *slot = Value::String(texts[n % texts.len()].clone());
                    n += 1;
                }
            }
            let original = body.clone();
            run(ep, req, &mut body, &mut Recorder::default()).expect("identity walk");
            prop_assert_eq!(
                serde_json::to_string(&body).expect("ser"),
                serde_json::to_string(&original).expect("ser")
            );
            let mut rec = Recorder { tag: true, ..Recorder::default() };
            run(ep, req, &mut body, &mut rec).expect("tag walk");
            let mut diffs = Vec::new();
            changed(&original, &body, &mut String::new(), &mut diffs);
            diffs.sort();
            let mut want = baseline.clone();
            want.sort();
            prop_assert_eq!(diffs, want);
        }

        /// Any body, any endpoint: an identity walk either refuses or leaves the body equal.
        #[test]
        fn identity_walk_never_changes_a_body(body in json_value(), ep in 0..ENDPOINTS.len()) {
            let mut b = body.clone();
            for req in [true, false] {
                let _ = run(ENDPOINTS[ep], req, &mut b, &mut Recorder::default());
                prop_assert_eq!(&b, &body);
            }
        }

        /// Any JSON as an arguments string: an identity walk keeps it byte-identical; a
        /// tagging walk keeps it valid JSON whose untagged form equals the original.
        #[test]
        fn arguments_round_trip(args in json_value()) {
            let s = serde_json::to_string(&args).expect("ser");
            let mut body = chat_with_arguments(&s);
            walk_request(Endpoint::OpenAiChat, &mut body, &mut Recorder::default()).expect("walk");
            prop_assert_eq!(body.pointer(ARGS_PTR), Some(&Value::String(s.clone())));
            let mut rec = Recorder { tag: true, ..Recorder::default() };
            walk_request(Endpoint::OpenAiChat, &mut body, &mut rec).expect("walk");
            let out = body.pointer(ARGS_PTR).and_then(Value::as_str).expect("string");
            let mut parsed: Value = serde_json::from_str(out).expect("still JSON");
            untag(&mut parsed);
            prop_assert_eq!(parsed, args);
        }
    }
}

/// The changed pointers after a tagging walk of an inline body.
fn tag_inline(ep: Endpoint, req: bool, body: Value) -> Vec<String> {
    let mut b = body.clone();
    let mut rec = Recorder {
        tag: true,
        ..Recorder::default()
    };
    run(ep, req, &mut b, &mut rec).expect("walk");
    let mut diffs = Vec::new();
    changed(&body, &b, &mut String::new(), &mut diffs);
    diffs.sort();
    diffs
}

#[test]
fn unknown_types_and_fields_are_scanned_generically() {
    // Unknown chat part type: text leaves scanned, `type` / ids / cache_control kept.
    let diffs = tag_inline(
        Endpoint::OpenAiChat,
        true,
        json!({"messages": [{"role": "user", "content": [
            {"type": "input_text", "text": "new part", "file_id": "f-1", "cache_control": {"type": "ephemeral"}}
        ]}]}),
    );
    assert_eq!(diffs, ["/messages/0/content/0/text"]);
    // Unknown key in a known Anthropic block, unknown block type.
    let diffs = tag_inline(
        Endpoint::AnthropicMessages,
        true,
        json!({"messages": [{"role": "user", "content": [
            {"type": "text", "text": "a", "x_note": "b", "cache_control": {"type": "ephemeral"}},
            {"type": "future_block", "body": {"inner": "c"}, "block_id": "blk_1"},
            {"type": "bash_code_execution_tool_result", "tool_use_id": "t", "content": {"stdout": "kept"}}
        ]}]}),
    );
    assert_eq!(
        diffs,
        [
            "/messages/0/content/0/text",
            "/messages/0/content/0/x_note",
            "/messages/0/content/1/body/inner",
        ]
    );
    // Unknown Responses item type; unknown key in a message item.
    let diffs = tag_inline(
        Endpoint::OpenAiResponses,
        true,
        json!({"input": [
            {"type": "future_item", "call_id": "c1", "payload": "x"},
            {"type": "message", "role": "user", "status": "completed", "content": "y", "x_extra": "z"}
        ]}),
    );
    assert_eq!(
        diffs,
        ["/input/0/payload", "/input/1/content", "/input/1/x_extra"]
    );
    // Unknown Gemini part key; thought: false is ordinary text.
    let diffs = tag_inline(
        Endpoint::GeminiGenerate,
        true,
        json!({"contents": [{"role": "user", "parts": [
            {"text": "t", "thought": false, "videoMetadata": {"startOffset": "1s"}},
            {"futurePart": {"note": "n"}}
        ]}]}),
    );
    assert_eq!(
        diffs,
        [
            "/contents/0/parts/0/text",
            "/contents/0/parts/1/futurePart/note"
        ]
    );
}

#[test]
fn stream_pieces_follow_the_response_rules() {
    let mut item =
        json!({"type": "function_call", "call_id": "c", "arguments": "{\"to\":\"[EMAIL_1]\"}"});
    let mut rec = Recorder {
        tag: true,
        ..Recorder::default()
    };
    walk_stream_piece(StreamPiece::ResponsesItem, &mut item, &mut rec).expect("walk");
    assert_eq!(item["arguments"], json!("{\"«to»\":\"«[EMAIL_1]»\"}"));
    assert_eq!(item["call_id"], json!("c"));

    let mut reasoning = json!({"type": "reasoning", "id": "rs", "summary": [{"type": "summary_text", "text": "x"}]});
    let before = reasoning.clone();
    let stats =
        walk_stream_piece(StreamPiece::ResponsesItem, &mut reasoning, &mut rec).expect("walk");
    assert_eq!((reasoning, stats.opaque_skipped), (before, 1));

    let mut block = json!({"type": "thinking", "thinking": "", "signature": ""});
    let before = block.clone();
    walk_stream_piece(StreamPiece::AnthropicBlock, &mut block, &mut rec).expect("walk");
    assert_eq!(block, before);
    let mut block = json!({"type": "text", "text": "hi [PERSON_1]"});
    walk_stream_piece(StreamPiece::AnthropicBlock, &mut block, &mut rec).expect("walk");
    assert_eq!(block["text"], json!("«hi [PERSON_1]»"));
}
