package ai.aideon.providers;

import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.EmbeddingRequest;
import ai.aideon.core.api.Modality;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.Source;
import ai.aideon.core.api.SpeechRequest;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.api.ToolChoice;
import ai.aideon.core.api.ToolSpec;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.provider.ChatCall;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shared builders for adapter tests. */
public final class TestCalls {
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    public static final ToolSpec WEATHER = new ToolSpec("get_weather", "Weather for a city",
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"unit\":{\"type\":\"string\","
                    + "\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\"]}", null);

    private TestCalls() {
    }

    public static ProviderSettings settings(String type, String baseUrl, String key) {
        return new ProviderSettings("test-" + type, type, Source.CLOUD, URI.create(baseUrl), Secret.of(key),
                Duration.ofSeconds(2), Map.of());
    }

    public static ModelSpec model(String upstreamId) {
        return new ModelSpec("catalog/" + upstreamId, "test", upstreamId, Modality.TEXT, Source.CLOUD, Set.of(), 8192,
                null, Set.of("free"), "test model");
    }

    public static ChatCall call(ChatRequest request, String upstreamId) {
        return new ChatCall(request, model(upstreamId), TIMEOUT);
    }

    public static ChatCall call(ChatRequest request, String upstreamId, Duration timeout) {
        return new ChatCall(request, model(upstreamId), timeout);
    }

    /** An embeddings call for {@code upstreamId} with the default timeout and no {@code dimensions}. */
    public static ModalityCall<EmbeddingRequest> embedCall(String upstreamId, String... inputs) {
        return embedCall(upstreamId, null, TIMEOUT, inputs);
    }

    public static ModalityCall<EmbeddingRequest> embedCall(String upstreamId, Integer dimensions, Duration timeout,
                                                           String... inputs) {
        ModelSpec model = new ModelSpec("catalog/" + upstreamId, "test", upstreamId, Modality.EMBED, Source.CLOUD,
                Set.of(), 0, null, Set.of("free"), "test embedding model");
        return new ModalityCall<>(new EmbeddingRequest("aideon/embed", List.of(inputs), dimensions, null), model,
                timeout);
    }

    /** A speech call for {@code upstreamId} with voice alloy and the default timeout. */
    public static ModalityCall<SpeechRequest> speechCall(String upstreamId, String text, String voice, String format,
                                                         double speed) {
        ModelSpec model = new ModelSpec("catalog/" + upstreamId, "test", upstreamId, Modality.TTS, Source.CLOUD,
                Set.of(), 0, null, Set.of("free"), "test speech model");
        return new ModalityCall<>(new SpeechRequest("aideon/speech", text, voice, format, speed), model, TIMEOUT);
    }

    /** A transcription call for {@code upstreamId} with the default timeout, no prompt and no temperature. */
    public static ModalityCall<TranscriptionRequest> transcriptionCall(String upstreamId, byte[] audio,
                                                                       String language, boolean translate) {
        return transcriptionCall(upstreamId, new TranscriptionRequest("aideon/transcribe", audio, "clip.wav",
                language, null, null, translate));
    }

    /** An image-generation call for {@code upstreamId} with the default timeout. */
    public static ModalityCall<ai.aideon.core.api.ImageRequest> imageCall(String upstreamId,
                                                                         ai.aideon.core.api.ImageRequest r) {
        ModelSpec model = new ModelSpec("catalog/" + upstreamId, "test", upstreamId, Modality.IMAGE, Source.CLOUD,
                Set.of(), 0, null, Set.of("free"), "test image model");
        return new ModalityCall<>(r, model, TIMEOUT);
    }

    public static ModalityCall<TranscriptionRequest> transcriptionCall(String upstreamId, TranscriptionRequest r) {
        ModelSpec model = new ModelSpec("catalog/" + upstreamId, "test", upstreamId, Modality.STT, Source.CLOUD,
                Set.of(), 0, null, Set.of("free"), "test transcription model");
        return new ModalityCall<>(r, model, TIMEOUT);
    }

    public static Req user(String text) {
        return new Req().messages(List.of(ChatMessage.of("user", text)));
    }

    /** Collects a stream to its clean end. */
    public static List<ChatChunk> drain(ChatStream stream) throws ProviderException {
        List<ChatChunk> out = new ArrayList<>();
        try (stream) {
            ChatChunk c;
            while ((c = stream.next()) != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** Text of choice 0 across chunks. */
    public static String text(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatChunk c : chunks) {
            for (ChoiceDelta d : c.choices()) {
                if (d.index() == 0 && d.content() != null) {
                    sb.append(d.content());
                }
            }
        }
        return sb.toString();
    }

    public static String toolArguments(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatChunk c : chunks) {
            for (ChoiceDelta d : c.choices()) {
                for (ToolCallDelta t : d.toolCalls()) {
                    if (t.argumentsFragment() != null) {
                        sb.append(t.argumentsFragment());
                    }
                }
            }
        }
        return sb.toString();
    }

    /** A mutable request builder; ChatRequest itself has seventeen components. */
    public static final class Req {
        private List<ChatMessage> messages = List.of();
        private boolean stream;
        private Integer maxTokens;
        private Double temperature;
        private List<String> stop;
        private Long seed;
        private int n = 1;
        private List<ToolSpec> tools;
        private ToolChoice toolChoice;
        private ResponseFormat format;
        private boolean legacy;

        public Req messages(List<ChatMessage> m) {
            this.messages = m;
            return this;
        }

        public Req stream() {
            this.stream = true;
            return this;
        }

        public Req maxTokens(int v) {
            this.maxTokens = v;
            return this;
        }

        public Req temperature(double v) {
            this.temperature = v;
            return this;
        }

        public Req stop(String... s) {
            this.stop = List.of(s);
            return this;
        }

        public Req seed(long v) {
            this.seed = v;
            return this;
        }

        public Req n(int v) {
            this.n = v;
            return this;
        }

        public Req tools(ToolSpec... t) {
            this.tools = List.of(t);
            return this;
        }

        public Req toolChoice(ToolChoice c) {
            this.toolChoice = c;
            return this;
        }

        public Req format(ResponseFormat f) {
            this.format = f;
            return this;
        }

        public Req legacy() {
            this.legacy = true;
            return this;
        }

        public ChatRequest build() {
            return new ChatRequest("aideon/text", messages, stream, stream, maxTokens, temperature, null, stop, seed, n,
                    tools, toolChoice, null, format, null, null, legacy);
        }
    }
}
