package ai.aideon.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * whisper.cpp's {@code whisper-server} (examples/server/server.cpp and server-common.cpp): {@code GET /} (an HTML
 * page), {@code GET /health}, {@code POST /inference} and {@code POST /load}, both multipart.
 *
 * <p>{@code /inference} answers in the requested {@code response_format} with the real server's content types:
 * {@code json} {@code {"text"}}, {@code text} as {@code text/html; charset=utf-8}, {@code srt} as
 * {@code application/x-subrip}, {@code vtt} as {@code text/vtt}, {@code verbose_json} with task, full language name,
 * duration, segments (with words and token ids) and language probabilities; any other format gets {@code json}, as
 * upstream. The transcript is one segment, {@code " Fake transcript of N.NN seconds of audio."}, its length taken
 * from the WAV header (MP3 and FLAC: guessed from the size); other containers are "failed to read audio data",
 * since the server decodes only those without {@code --convert}.
 */
final class WhisperCppRoutes {
    private static final String INDEX = "<html><head><title>Whisper.cpp Server</title></head><body>"
            + "<h1>Whisper.cpp Server</h1><h2>/inference</h2></body></html>";
    private static final byte[] OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.US_ASCII);

    private final FakeUpstream upstream;
    private volatile String model;

    WhisperCppRoutes(FakeUpstream upstream) {
        this.upstream = upstream;
    }

    Reply route(HttpRequest req) {
        String method = req.method();
        String path = req.path();
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (get && path.equals("/")) {
            return new Reply.Full(200, "text/html", List.of(), INDEX.getBytes(StandardCharsets.UTF_8));
        }
        if (get && path.equals("/health")) {
            return upstream.isLoading() ? ProviderErrors.loading(Dialect.WHISPER_CPP) : Reply.json(200, OK);
        }
        if (method.equals("POST") && path.equals("/inference")) {
            return inference(req);
        }
        if (method.equals("POST") && path.equals("/load")) {
            return load(req);
        }
        return ProviderErrors.unknownRoute(Dialect.WHISPER_CPP, method, path);
    }

    private Reply inference(HttpRequest req) {
        Map<String, byte[]> parts;
        try {
            parts = AudioRoutes.multipart(req);
        } catch (BadRequestException e) {
            return invalidRequest();
        }
        byte[] file = parts.get("file");
        if (file == null) {
            return error(400, "no 'file' field in the request");
        }
        try {
            upstream.awaitLoaded(); // the server's model lock: inference waits for a load to finish
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(500, "failed to process audio");
        }
        Double seconds = seconds(file);
        if (seconds == null) {
            return error(400, "failed to read audio data");
        }
        float temperature;
        try {
            temperature = Float.parseFloat(text(parts, "temperature", "0.0"));
        } catch (NumberFormatException e) {
            // std::stof throws; the server's exception handler answers in plain text
            return new Reply.Full(500, "text/plain", List.of(),
                    "500 Internal Server Error\nstof".getBytes(StandardCharsets.UTF_8));
        }
        boolean translate = bool(text(parts, "translate", "false"));
        String language = text(parts, "language", "en");
        String sentence = String.format(Locale.ROOT, " Fake transcript of %.2f seconds of audio.", seconds);
        String format = text(parts, "response_format", "json");
        return switch (format) {
            case "text" -> new Reply.Full(200, "text/html; charset=utf-8", List.of(), utf8(sentence + "\n"));
            case "srt" -> new Reply.Full(200, "application/x-subrip", List.of(), utf8("1\n00:00:00,000 --> "
                    + timestamp(seconds, ',') + "\n" + sentence + "\n\n"));
            case "vtt" -> new Reply.Full(200, "text/vtt", List.of(), utf8("WEBVTT\n\n00:00:00.000 --> "
                    + timestamp(seconds, '.') + "\n" + sentence + "\n\n"));
            case "verbose_json" -> Reply.json(200, Json.bytes(verbose(sentence, seconds, temperature, translate,
                    language)));
            default -> {
                ObjectNode o = Json.object();
                o.put("text", sentence + "\n");
                yield Reply.json(200, Json.bytes(o));
            }
        };
    }

    private static ObjectNode verbose(String sentence, double seconds, float temperature, boolean translate,
                                      String language) {
        String detected = "auto".equals(language) || translate ? "english" : languageName(language);
        ObjectNode o = Json.object();
        o.put("task", translate ? "translate" : "transcribe");
        o.put("language", detected);
        o.put("duration", seconds);
        o.put("text", sentence + "\n");
        ObjectNode segment = o.putArray("segments").addObject();
        segment.put("id", 0);
        segment.put("text", sentence);
        segment.put("start", 0.0);
        segment.put("end", seconds);
        ArrayNode words = segment.putArray("words");
        ArrayNode tokens = segment.putArray("tokens");
        String[] split = sentence.trim().split(" ");
        for (int i = 0; i < split.length; i++) {
            ObjectNode w = words.addObject();
            w.put("word", " " + split[i]);
            w.put("start", seconds * i / split.length);
            w.put("end", seconds * (i + 1) / split.length);
            w.put("probability", 0.9);
            tokens.add(50_364 + i);
        }
        segment.put("temperature", temperature);
        segment.put("avg_logprob", -0.105);
        segment.put("no_speech_prob", 0.01);
        o.put("detected_language", detected);
        o.put("detected_language_probability", 0.97);
        o.putObject("language_probabilities").put(detected.equals("english") ? "en" : language, 0.97);
        return o;
    }

    private Reply load(HttpRequest req) {
        Map<String, byte[]> parts;
        try {
            parts = AudioRoutes.multipart(req);
        } catch (BadRequestException e) {
            return invalidRequest();
        }
        byte[] path = parts.get("model");
        if (path == null) {
            return error(400, "no 'model' field in the request");
        }
        String wanted = new String(path, StandardCharsets.UTF_8).trim();
        if (!upstream.catalog().knows(wanted)) {
            return error(400, "model not found!"); // the real server checks that the file exists
        }
        model = wanted;
        return new Reply.Full(200, "application/text", List.of(), utf8("Load was successful!"));
    }

    /** The model path of the last successful {@code /load}, or the first served model. */
    String loadedModel() {
        String m = model;
        return m != null ? m : upstream.catalog().listed().get(0);
    }

    /** Length in seconds for the containers whisper-server decodes itself; null for the others. */
    private static Double seconds(byte[] file) {
        boolean wav = file.length >= 12 && new String(file, 0, 4, StandardCharsets.US_ASCII).equals("RIFF");
        boolean mp3 = file.length >= 3 && (new String(file, 0, 3, StandardCharsets.US_ASCII).equals("ID3")
                || ((file[0] & 0xFF) == 0xFF && (file[1] & 0xE0) == 0xE0));
        boolean flac = file.length >= 4 && new String(file, 0, 4, StandardCharsets.US_ASCII).equals("fLaC");
        if (!wav && !mp3 && !flac) {
            return null;
        }
        return Math.round(AudioRoutes.secondsOf(file) * 100) / 100.0;
    }

    private static Reply.Full error(int status, String message) {
        return ProviderErrors.error(Dialect.WHISPER_CPP, status, message, null, null, null);
    }

    /** cpp-httplib's answer to a body it cannot parse. */
    private static Reply.Full invalidRequest() {
        return new Reply.Full(400, "text/plain", List.of(), utf8("Invalid request"));
    }

    private static String timestamp(double seconds, char decimal) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                decimal, ms % 1000);
    }

    private static String text(Map<String, byte[]> parts, String name, String fallback) {
        byte[] v = parts.get(name);
        return v == null ? fallback : new String(v, StandardCharsets.UTF_8).trim();
    }

    /** whisper.cpp's parse_str_to_bool. */
    private static boolean bool(String s) {
        return s.equals("true") || s.equals("1") || s.equals("yes") || s.equals("y");
    }

    private static String languageName(String code) {
        return switch (code) {
            case "en" -> "english";
            case "de" -> "german";
            case "fr" -> "french";
            case "es" -> "spanish";
            default -> code;
        };
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
