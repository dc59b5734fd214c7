//! The endpoint vocabulary shared by routing (`server`) and body walkers (`transform`).

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
            Endpoint::GeminiModels => "models",
        }
    }
}
