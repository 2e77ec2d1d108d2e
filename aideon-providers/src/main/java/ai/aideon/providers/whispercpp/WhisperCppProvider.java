package ai.aideon.providers.whispercpp;

import ai.aideon.core.api.Transcription;
import ai.aideon.core.api.TranscriptionRequest;
import ai.aideon.core.provider.ModalityCall;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.TranscriptionProvider;
import ai.aideon.providers.ProviderSettings;
import ai.aideon.providers.engine.EngineEndpoints;
import ai.aideon.providers.http.ErrorMapper;
import ai.aideon.providers.http.HttpTransport;
import ai.aideon.providers.http.MultipartForm;
import ai.aideon.providers.http.ResponseBody;
import ai.aideon.providers.openai.wire.TranscriptionReader;

import java.net.URI;
import java.time.Clock;

/**
 * A user-run whisper.cpp {@code whisper-server} ({@code base_url} is its root): {@code POST /inference}, multipart
 * with {@code file}, {@code response_format}, {@code temperature}, {@code language}, {@code prompt} and
 * {@code translate}. We always ask for {@code verbose_json}: it carries the duration (the billing unit) and timed
 * segments, from which the gateway writes whichever format the client asked for (json, text, srt, vtt).
 *
 * <p>The server runs one model, chosen when it was started, so the request's model id is not sent. Without a
 * language in the request the server's own {@code -l} applies (the operator knows the audio it gets); a translation
 * asks for {@code language=auto} so the source language is detected. whisper-server reads WAV (and, in recent
 * builds, MP3 and FLAC) itself, and other formats only when started with {@code --convert} (ffmpeg): other uploads
 * are refused here with a message saying so, unless {@code options.convert: true} says the server converts.
 *
 * <p>Options: {@code inference_path} (default {@code /inference}, for {@code --inference-path}); {@code convert}.
 */
public final class WhisperCppProvider implements TranscriptionProvider {
    private final String name;
    private final HttpTransport http;
    private final ErrorMapper errors;
    private final URI inferenceUri;
    private final boolean serverConverts;

    public WhisperCppProvider(ProviderSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public WhisperCppProvider(ProviderSettings settings, Clock clock) {
        this.name = settings.name();
        this.http = new HttpTransport(settings, clock);
        this.errors = http.errors();
        String path = settings.option("inference_path", "/inference");
        this.inferenceUri = URI.create(EngineEndpoints.rootOf(settings.baseUrl())
                + (path.startsWith("/") ? path : "/" + path));
        this.serverConverts = Boolean.parseBoolean(settings.option("convert", "false"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Transcription transcribe(ModalityCall<TranscriptionRequest> call) throws ProviderException {
        TranscriptionRequest r = call.request();
        if (r.audio() == null || r.audio().length == 0) {
            throw errors.badRequest("file is empty: there is no audio to transcribe", "file");
        }
        AudioKind kind = AudioKind.of(r.audio());
        if (!serverConverts && !kind.readByWhisperServer()) {
            throw errors.badRequest("this whisper.cpp server reads WAV, MP3 and FLAC uploads, not "
                    + kind.label() + "; convert the audio, or start whisper-server with --convert and set "
                    + "options.convert: true for provider '" + name + "'", "file");
        }
        String language = r.translate() ? "auto" : blankToNull(r.language());
        MultipartForm form = new MultipartForm()
                .file("file", filename(r), "application/octet-stream", r.audio())
                .field("response_format", "verbose_json")
                .field("temperature", r.temperature())
                .field("language", language)
                .field("prompt", blankToNull(r.prompt()))
                .field("translate", r.translate() ? "true" : null);
        ResponseBody body = http.postMultipart(inferenceUri, form, call.timeout());
        return TranscriptionReader.readBody(body.readAll(), errors, r.translate() ? "en" : blankToNull(r.language()));
    }

    private static String filename(TranscriptionRequest r) {
        return r.filename() == null || r.filename().isBlank() ? "audio" : r.filename();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
