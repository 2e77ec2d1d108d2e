package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.metering.Admission;
import ai.aideon.client.metering.Metering;
import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.SpeechAudio;
import ai.aideon.core.api.SpeechRequest;
import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.api.Usage;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.route.AllAttemptsFailedException;
import ai.aideon.core.route.Attempt;
import ai.aideon.core.route.Candidate;
import ai.aideon.core.route.ChatExecutor.CallOutcome;
import ai.aideon.core.route.RouteContext;
import ai.aideon.core.route.RoutePlan;
import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.tier.UsageLedger;
import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.ChatRequestParser;
import ai.aideon.server.api.ErrorMapper;
import ai.aideon.server.api.Json;
import ai.aideon.server.api.MultipartForm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /v1/audio/speech} (audio streamed as it is produced) and {@code POST /v1/audio/transcriptions} /
 * {@code /v1/audio/translations} (multipart upload; json, text, verbose_json, srt, vtt). Routed, metered and
 * recorded like chat: speech by characters, transcription by audio seconds.
 */
final class AudioHandler {
    private static final int MAX_SPEECH_INPUT = 4096;
    /** OpenAI's documented upload limit. */
    private static final long MAX_UPLOAD = 25L * 1024 * 1024;
    private static final Set<String> SPEECH_FORMATS = Set.of("mp3", "opus", "aac", "flac", "wav", "pcm");
    private static final Set<String> TEXT_FORMATS = Set.of("json", "text", "srt", "verbose_json", "vtt");

    private final AideonEngine engine;

    AudioHandler(AideonEngine engine) {
        this.engine = engine;
    }

    void speech(ServerRequest req, ServerResponse res, String requestId) {
        Principal principal = Auth.require(engine, req);
        ObjectNode body = ChatRequestParser.parseObject(req.content().as(byte[].class));
        String model = requiredText(body, "model");
        String input = speechInput(body);
        String voice = body.hasNonNull("voice") ? body.get("voice").asText() : "alloy";
        String format = body.hasNonNull("response_format") ? body.get("response_format").asText() : "mp3";
        if (!SPEECH_FORMATS.contains(format)) {
            throw ApiException.invalid("response_format", "'response_format' must be one of mp3, opus, aac, flac, "
                    + "wav or pcm.");
        }
        double speed = 1.0;
        if (body.hasNonNull("speed")) {
            JsonNode s = body.get("speed");
            if (!s.isNumber() || s.asDouble() < 0.25 || s.asDouble() > 4) {
                throw ApiException.invalid("speed", "'speed' must be a number between 0.25 and 4.");
            }
            speed = s.asDouble();
        }
        SpeechRequest request = new SpeechRequest(model, input, voice, format, speed);
        long characters = input.length();
        Admission admission = admit(req, requestId, principal, model, Modality.TTS,
                plan -> new Amounts(1, 0, 0, 0, maxCost(plan, c -> speechCostMicros(c.model().price(), characters))));
        Metering metering = engine.metering();
        try {
            CallOutcome<SpeechAudio> outcome;
            try {
                outcome = engine.speak(request, admission.plan());
            } catch (AllAttemptsFailedException e) {
                throw failed(res, admission, e);
            }
            SpeechAudio audio = outcome.result();
            long cost = speechCostMicros(outcome.served().price(), characters);
            headers(res, outcome);
            res.status(200);
            res.headers().set(HeaderNames.CONTENT_TYPE, audio.contentType());
            streamAudio(res, audio.audio(), () -> {
                if (metering != null) {
                    Long settled = settle(metering, admission, outcome.served(), Usage.ZERO,
                            new Amounts(1, 0, 0, 0, cost), outcome.attempts());
                    return settled;
                }
                return null;
            });
        } finally {
            if (metering != null) {
                metering.abandon(admission);
            }
        }
    }

    /**
     * Relays the audio as it arrives but holds back the last buffer: the ledger row must be durable before the
     * final byte leaves, so it is written when the source ends and only then is the rest sent.
     */
    private static void streamAudio(ServerResponse res, InputStream audio, Settle settle) {
        try (InputStream in = audio; OutputStream out = res.outputStream()) {
            byte[] held = new byte[16 * 1024];
            int heldLength = in.readNBytes(held, 0, held.length);
            byte[] next = new byte[16 * 1024];
            int n;
            while ((n = in.readNBytes(next, 0, next.length)) > 0) {
                out.write(held, 0, heldLength);
                out.flush();
                byte[] swap = held;
                held = next;
                next = swap;
                heldLength = n;
            }
            settle.run();
            out.write(held, 0, heldLength);
        } catch (IOException | UncheckedIOException e) {
            // The engine or the client broke off mid-stream; the response is incomplete either way.
        }
    }

    @FunctionalInterface
    private interface Settle {
        Long run();
    }

    void transcriptions(ServerRequest req, ServerResponse res, String requestId) {
        transcribe(req, res, requestId, false);
    }

    void translations(ServerRequest req, ServerResponse res, String requestId) {
        transcribe(req, res, requestId, true);
    }

    private void transcribe(ServerRequest req, ServerResponse res, String requestId, boolean translate) {
        Principal principal = Auth.require(engine, req);
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > MAX_UPLOAD) {
            throw new ApiException(413, "invalid_request_error", "file_too_large", "file",
                    "The audio file is larger than the 25 MB limit.");
        }
        byte[] raw = req.content().as(byte[].class);
        if (raw.length > MAX_UPLOAD) {
            throw new ApiException(413, "invalid_request_error", "file_too_large", "file",
                    "The audio file is larger than the 25 MB limit.");
        }
        MultipartForm form = MultipartForm.parse(req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null), raw);
        MultipartForm.FilePart file = form.file("file");
        if (file == null || file.bytes().length == 0) {
            throw ApiException.invalid("file", "Missing required parameter: 'file' (the audio to transcribe).");
        }
        String model = form.field("model");
        if (model == null || model.isBlank()) {
            throw ApiException.invalid("model", "Missing required parameter: 'model' (e.g. 'aideon/stt').");
        }
        String format = form.field("response_format") == null ? "json" : form.field("response_format");
        if (!TEXT_FORMATS.contains(format)) {
            throw ApiException.invalid("response_format", "'response_format' must be json, text, srt, verbose_json or vtt.");
        }
        Double temperature = null;
        if (form.field("temperature") != null) {
            try {
                temperature = Double.parseDouble(form.field("temperature"));
            } catch (NumberFormatException e) {
                throw ApiException.invalid("temperature", "'temperature' must be a number.");
            }
        }
        TranscriptionRequest request = new TranscriptionRequest(model, file.bytes(), file.filename(),
                form.field("language"), form.field("prompt"), temperature, translate);
        long estimatedSeconds = estimateSeconds(file.bytes());
        Admission admission = admit(req, requestId, principal, model, Modality.STT,
                plan -> new Amounts(1, 0, 0, estimatedSeconds, maxCost(plan, c -> costMicros(c.model().price()
                        .perAudioSecond().multiply(BigDecimal.valueOf(estimatedSeconds)).movePointRight(6)))));
        Metering metering = engine.metering();
        try {
            CallOutcome<Transcription> outcome;
            try {
                outcome = engine.transcribe(request, admission.plan());
            } catch (AllAttemptsFailedException e) {
                throw failed(res, admission, e);
            }
            Transcription t = outcome.result();
            long seconds = (long) Math.ceil(t.durationSeconds());
            long cost = costMicros(outcome.served().price().perAudioSecond()
                    .multiply(BigDecimal.valueOf(t.durationSeconds())).movePointRight(6));
            headers(res, outcome);
            if (metering != null) {
                Long settled = settle(metering, admission, outcome.served(), Usage.ZERO,
                        new Amounts(1, 0, 0, seconds, cost), outcome.attempts());
                res.headers().set(ChatHandler.COST, Metering.usd(settled));
            }
            write(res, t, format, translate);
        } finally {
            if (metering != null) {
                metering.abandon(admission);
            }
        }
    }

    private static void write(ServerResponse res, Transcription t, String format, boolean translate) {
        switch (format) {
            case "text" -> text(res, t.text() + "\n", "text/plain; charset=utf-8");
            case "srt" -> text(res, subtitles(t, false), "text/plain; charset=utf-8");
            case "vtt" -> text(res, subtitles(t, true), "text/vtt; charset=utf-8");
            case "verbose_json" -> Exchange.json(res, 200, Json.bytes(g -> {
                g.writeStartObject();
                g.writeStringField("task", translate ? "translate" : "transcribe");
                g.writeStringField("language", t.language());
                g.writeNumberField("duration", t.durationSeconds());
                g.writeStringField("text", t.text());
                g.writeArrayFieldStart("segments");
                for (Transcription.Segment s : t.segments()) {
                    g.writeStartObject();
                    g.writeNumberField("id", s.id());
                    g.writeNumberField("start", s.start());
                    g.writeNumberField("end", s.end());
                    g.writeStringField("text", s.text());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }));
            default -> Exchange.json(res, 200, Json.bytes(g -> {
                g.writeStartObject();
                g.writeStringField("text", t.text());
                g.writeObjectFieldStart("usage");
                g.writeStringField("type", "duration");
                g.writeNumberField("seconds", t.durationSeconds());
                g.writeEndObject();
                g.writeEndObject();
            }));
        }
    }

    /** SRT/WebVTT from the segments; one cue for the whole text when the engine gave none. */
    static String subtitles(Transcription t, boolean vtt) {
        List<Transcription.Segment> segments = t.segments().isEmpty()
                ? List.of(new Transcription.Segment(0, 0, t.durationSeconds(), t.text())) : t.segments();
        StringBuilder sb = new StringBuilder(vtt ? "WEBVTT\n\n" : "");
        int n = 1;
        for (Transcription.Segment s : segments) {
            if (!vtt) {
                sb.append(n++).append('\n');
            }
            sb.append(time(s.start(), vtt)).append(" --> ").append(time(s.end(), vtt)).append('\n')
                    .append(s.text().trim()).append("\n\n");
        }
        return sb.toString();
    }

    private static String time(double seconds, boolean vtt) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%s%03d", ms / 3_600_000, (ms / 60_000) % 60,
                (ms / 1000) % 60, vtt ? "." : ",", ms % 1000);
    }

    private static void text(ServerResponse res, String body, String type) {
        res.status(200);
        res.headers().set(HeaderNames.CONTENT_TYPE, type);
        res.send(body.getBytes(StandardCharsets.UTF_8));
    }

    /** A WAV's duration from its header; otherwise a generous bound (8 kbit/s) so the reservation never undershoots. */
    static long estimateSeconds(byte[] audio) {
        if (audio.length > 44 && audio[0] == 'R' && audio[1] == 'I' && audio[2] == 'F' && audio[3] == 'F') {
            int byteRate = (audio[28] & 0xFF) | (audio[29] & 0xFF) << 8 | (audio[30] & 0xFF) << 16 | (audio[31] & 0xFF) << 24;
            if (byteRate > 0) {
                return Math.max(1, (audio.length - 44 + byteRate - 1) / byteRate);
            }
        }
        return Math.max(1, audio.length / 1000);
    }

    private Admission admit(ServerRequest req, String requestId, Principal principal, String model, Modality modality,
                            java.util.function.Function<RoutePlan, Amounts> worstCase) {
        Role role = Exchange.header(req, "x-aideon-role").flatMap(Role::parse).orElse(null);
        boolean localOnly = Exchange.localOnly(engine, req, false);
        return ErrorMapper.admitted(Exchange.clientRequestId(req), () -> engine.admitModality(requestId, principal,
                model, modality, new RouteContext(principal.tier(), role, localOnly), 0, worstCase));
    }

    private ApiException failed(ServerResponse res, Admission admission, AllAttemptsFailedException e) {
        res.headers().set(ChatHandler.ROUTE, e.routeHeader());
        ApiException error = ErrorMapper.attempts(e);
        if (engine.metering() != null) {
            engine.metering().failed(admission, e.attempts(), error.status(),
                    e.last().kind().name().toLowerCase(Locale.ROOT));
        }
        return error;
    }

    private static Long settle(Metering metering, Admission a, ModelSpec served, Usage usage, Amounts actual,
                               List<Attempt> attempts) {
        try {
            return metering.succeeded(a, served, usage, actual, attempts, 200, null);
        } catch (UsageLedger.LedgerUnavailableException e) {
            throw new ApiException(503, "service_unavailable", "ledger_unavailable", null,
                    "The result was produced but could not be recorded, so it is withheld; retry shortly.");
        }
    }

    private static void headers(ServerResponse res, CallOutcome<?> outcome) {
        ChatHandler.routeHeaders(res, outcome.served(), outcome.routeHeader());
    }

    private static long maxCost(RoutePlan plan, java.util.function.ToLongFunction<Candidate> microsOf) {
        long max = 0;
        for (Candidate c : plan.candidates()) {
            max = Math.max(max, microsOf.applyAsLong(c));
        }
        return max;
    }

    /** The speech body's {@code input}, checked as the speech endpoint checks it (the estimate shares it). */
    static String speechInput(ObjectNode body) {
        String input = requiredText(body, "input");
        if (input.length() > MAX_SPEECH_INPUT) {
            throw ApiException.invalid("input", "'input' may be at most " + MAX_SPEECH_INPUT + " characters.");
        }
        return input;
    }

    /** Speech is billed per character of input: known exactly before the call. */
    static long speechCostMicros(ai.aideon.core.catalog.Price price, long characters) {
        return costMicros(price.perMCharacters().multiply(BigDecimal.valueOf(characters)));
    }

    /** An amount already in micro-dollars (USD per 1M characters × characters, USD/s × s × 10⁶), rounded up. */
    private static long costMicros(BigDecimal value) {
        return value.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static String requiredText(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw ApiException.invalid(field, "Missing required parameter: '" + field + "'.");
        }
        return v.asText();
    }
}
