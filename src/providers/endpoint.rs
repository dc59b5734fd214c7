//! The endpoint vocabulary shared by routing (`server`) and body walkers (`transform`).
//!
//! Owns: which (method, path) pairs of each wire format are known and forwardable.
//! Never: looks at bodies or tenants. Called by: `server::route`, `transform`.
//!
//! Paths given to [`Endpoint::classify`] are the route *rest* after `/{provider}`, already
//! checked by the path normaliser: OpenAI and Anthropic `/v1/...`, Gemini `/{v1|v1beta}/...`.

use http::Method;

/// The JSON dialect of a route. `Echo` answers locally in the dialect of its `echo_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WireFormat {
    OpenAi,
    Anthropic,
    Gemini,
}

/// A known, forwardable endpoint. Anything else is refused (never an open proxy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST .../chat/completions`
    OpenAiChat,
    /// `POST .../responses`
    OpenAiResponses,
    /// `POST .../embeddings`
    OpenAiEmbeddings,
    /// `POST .../completions` (legacy)
    OpenAiCompletions,
    /// `GET .../models`, `GET .../models/{id}`
    OpenAiModels,
    /// `POST /v1/messages`
    AnthropicMessages,
    /// `POST /v1/messages/count_tokens`
    AnthropicCountTokens,
    /// `GET /v1/models`
    AnthropicModels,
    /// `POST /{v}/models/{m}:generateContent`
    GeminiGenerate,
    /// `POST /{v}/models/{m}:streamGenerateContent`
    GeminiStreamGenerate,
    /// `POST /{v}/models/{m}:countTokens`
    GeminiCountTokens,
    /// `POST /{v}/models/{m}:embedContent`
    GeminiEmbed,
    /// `POST /{v}/models/{m}:batchEmbedContents` (google-genai's `models.embed_content`)
    GeminiBatchEmbed,
    /// `GET /{v}/models`
    GeminiModels,
}

impl Endpoint {
    pub fn wire_format(self) -> WireFormat {
        match self {
            Endpoint::OpenAiChat
            | Endpoint::OpenAiResponses
            | Endpoint::OpenAiEmbeddings
            | Endpoint::OpenAiCompletions
            | Endpoint::OpenAiModels => WireFormat::OpenAi,
            Endpoint::AnthropicMessages
            | Endpoint::AnthropicCountTokens
            | Endpoint::AnthropicModels => WireFormat::Anthropic,
            Endpoint::GeminiGenerate
            | Endpoint::GeminiStreamGenerate
            | Endpoint::GeminiCountTokens
            | Endpoint::GeminiEmbed
            | Endpoint::GeminiBatchEmbed
            | Endpoint::GeminiModels => WireFormat::Gemini,
        }
    }

    /// Whether the request carries a JSON body with user content.
    pub fn has_body(self) -> bool {
        !matches!(
            self,
            Endpoint::OpenAiModels | Endpoint::AnthropicModels | Endpoint::GeminiModels
        )
    }

    /// Low-cardinality label for metrics and logs.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::OpenAiChat => "chat_completions",
            Endpoint::OpenAiResponses => "responses",
            Endpoint::OpenAiEmbeddings => "embeddings",
            Endpoint::OpenAiCompletions => "completions",
            Endpoint::OpenAiModels => "models",
            Endpoint::AnthropicMessages => "messages",
            Endpoint::AnthropicCountTokens => "count_tokens",
            Endpoint::AnthropicModels => "models",
            Endpoint::GeminiGenerate => "generate_content",
            Endpoint::GeminiStreamGenerate => "stream_generate_content",
            Endpoint::GeminiCountTokens => "count_tokens",
            Endpoint::GeminiEmbed => "embed_content",
            Endpoint::GeminiBatchEmbed => "batch_embed_contents",
            Endpoint::GeminiModels => "models",
        }
    }
}

/// What the path says about a request, beyond the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classified<'a> {
    pub endpoint: Endpoint,
    /// Gemini: the model from the path (`models/x:...` -> `x`).
    pub path_model: Option<&'a str>,
}

impl Endpoint {
    /// Classifies `rest` (the path after `/{provider}`) for `format`. `None`: not forwardable.
    pub fn classify<'a>(
        format: WireFormat,
        method: &Method,
        rest: &'a str,
    ) -> Option<Classified<'a>> {
        let post = method == Method::POST;
        let get = method == Method::GET;
        let plain = |endpoint| {
            Some(Classified {
                endpoint,
                path_model: None,
            })
        };
        match format {
            WireFormat::OpenAi => {
                let tail = rest.strip_prefix("/v1/")?;
                match tail {
                    "chat/completions" if post => plain(Endpoint::OpenAiChat),
                    "responses" if post => plain(Endpoint::OpenAiResponses),
                    "embeddings" if post => plain(Endpoint::OpenAiEmbeddings),
                    "completions" if post => plain(Endpoint::OpenAiCompletions),
                    "models" if get => plain(Endpoint::OpenAiModels),
                    t if get && single_segment(t.strip_prefix("models/")?) => {
                        plain(Endpoint::OpenAiModels)
                    }
                    _ => None,
                }
            }
            WireFormat::Anthropic => {
                let tail = rest.strip_prefix("/v1/")?;
                match tail {
                    "messages" if post => plain(Endpoint::AnthropicMessages),
                    "messages/count_tokens" if post => plain(Endpoint::AnthropicCountTokens),
                    "models" if get => plain(Endpoint::AnthropicModels),
                    t if get && single_segment(t.strip_prefix("models/")?) => {
                        plain(Endpoint::AnthropicModels)
                    }
                    _ => None,
                }
            }
            WireFormat::Gemini => {
                let tail = rest
                    .strip_prefix("/v1beta/")
                    .or_else(|| rest.strip_prefix("/v1/"))?;
                if tail == "models" && get {
                    return plain(Endpoint::GeminiModels);
                }
                let m = tail.strip_prefix("models/")?;
                if !single_segment(m) {
                    return None;
                }
                match m.split_once(':') {
                    None if get => plain(Endpoint::GeminiModels),
                    Some((model, action)) if post && !model.is_empty() => {
                        let endpoint = match action {
                            "generateContent" => Endpoint::GeminiGenerate,
                            "streamGenerateContent" => Endpoint::GeminiStreamGenerate,
                            "countTokens" => Endpoint::GeminiCountTokens,
                            "embedContent" => Endpoint::GeminiEmbed,
                            "batchEmbedContents" => Endpoint::GeminiBatchEmbed,
                            _ => return None,
                        };
                        Some(Classified {
                            endpoint,
                            path_model: Some(model),
                        })
                    }
                    _ => None,
                }
            }
        }
    }

    /// For routes whose format is not configured (echo): try each format. `/v1/models` is
    /// ambiguous; `anthropic_hint` (the request has `anthropic-version`) picks Anthropic.
    pub fn infer<'a>(
        method: &Method,
        rest: &'a str,
        anthropic_hint: bool,
    ) -> Option<Classified<'a>> {
        let order = if anthropic_hint {
            [
                WireFormat::Anthropic,
                WireFormat::OpenAi,
                WireFormat::Gemini,
            ]
        } else {
            [
                WireFormat::OpenAi,
                WireFormat::Anthropic,
                WireFormat::Gemini,
            ]
        };
        order
            .into_iter()
            .find_map(|f| Self::classify(f, method, rest))
    }

    /// Whether the path alone makes the call a stream (Gemini `:streamGenerateContent`).
    pub fn streams_by_path(self) -> bool {
        self == Endpoint::GeminiStreamGenerate
    }
}

fn single_segment(s: &str) -> bool {
    !s.is_empty() && !s.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(f: WireFormat, m: Method, p: &str) -> Option<Endpoint> {
        Endpoint::classify(f, &m, p).map(|c| c.endpoint)
    }

    #[test]
    fn known_endpoints() {
        use WireFormat::*;
        assert_eq!(
            c(OpenAi, Method::POST, "/v1/chat/completions"),
            Some(Endpoint::OpenAiChat)
        );
        assert_eq!(
            c(OpenAi, Method::GET, "/v1/models/gpt-4o"),
            Some(Endpoint::OpenAiModels)
        );
        assert_eq!(c(OpenAi, Method::POST, "/v1/files"), None);
        assert_eq!(c(OpenAi, Method::GET, "/v1/chat/completions"), None);
        assert_eq!(
            c(Anthropic, Method::POST, "/v1/messages/count_tokens"),
            Some(Endpoint::AnthropicCountTokens)
        );
        assert_eq!(c(Anthropic, Method::POST, "/v1/messages/batches"), None);
        let g = Endpoint::classify(
            Gemini,
            &Method::POST,
            "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
        );
        assert_eq!(
            g.map(|g| (g.endpoint, g.path_model)),
            Some((Endpoint::GeminiStreamGenerate, Some("gemini-2.5-flash")))
        );
        assert_eq!(
            c(Gemini, Method::POST, "/v2/models/x:generateContent"),
            None
        );
        assert_eq!(
            c(Gemini, Method::POST, "/v1/models/x:deleteEverything"),
            None
        );
        assert_eq!(
            c(Gemini, Method::GET, "/v1/models"),
            Some(Endpoint::GeminiModels)
        );
        for v in ["v1", "v1beta"] {
            let g = Endpoint::classify(
                Gemini,
                &Method::POST,
                &format!("/{v}/models/gemini-embedding-001:batchEmbedContents"),
            )
            .map(|g| (g.endpoint, g.path_model.map(str::to_owned)));
            assert_eq!(
                g,
                Some((
                    Endpoint::GeminiBatchEmbed,
                    Some("gemini-embedding-001".to_owned())
                ))
            );
        }
        assert_eq!(
            c(Gemini, Method::GET, "/v1/models/x:batchEmbedContents"),
            None
        );
        assert_eq!(
            c(Gemini, Method::POST, "/v1/models/:batchEmbedContents"),
            None
        );
        assert_eq!(Endpoint::GeminiBatchEmbed.label(), "batch_embed_contents");
        assert!(Endpoint::GeminiBatchEmbed.has_body());
        assert!(!Endpoint::GeminiBatchEmbed.streams_by_path());
    }

    #[test]
    fn infer_prefers_anthropic_with_hint() {
        let e = Endpoint::infer(&Method::GET, "/v1/models", true).map(|c| c.endpoint);
        assert_eq!(e, Some(Endpoint::AnthropicModels));
        let e = Endpoint::infer(&Method::GET, "/v1/models", false).map(|c| c.endpoint);
        assert_eq!(e, Some(Endpoint::OpenAiModels));
        let e = Endpoint::infer(&Method::POST, "/v1/messages", false).map(|c| c.endpoint);
        assert_eq!(e, Some(Endpoint::AnthropicMessages));
    }
}
