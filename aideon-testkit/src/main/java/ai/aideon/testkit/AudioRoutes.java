package ai.aideon.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/audio/speech} (JSON in, audio bytes out) and {@code /v1/audio/transcriptions|translations}
 * (multipart in, JSON out) for the OpenAI and Together dialects. The audio is silence of a length that follows the
 * text, and the transcript is made up from the upload's length: enough for adapters to prove what they send and how
 * they read the answer.
 */
final class AudioRoutes {
    /** Seconds per character of input, like a person speaking at about 150 words a minute. */
    private static final double SECONDS_PER_CHARACTER = 0.06;
    /** Together's default sample rate for speech; 24000 for pcm from OpenAI. */
    private static final int TOGETHER_SAMPLE_RATE = 44_100;
    private static final int OPENAI_SAMPLE_RATE = 24_000;
    /** How a non-WAV upload's length is guessed: as a 128 kbit/s mp3. */
    private static final int COMPRESSED_BYTES_PER_SECOND = 16_000;

    private AudioRoutes() {
    }

    static Reply speech(HttpRequest req, Dialect d) throws BadRequestException {
        ObjectNode body = Json.parseObject(req.body());
        String model = required(body, "model");
        String input = required(body, "input");
        required(body, "voice");
        String format = Json.textOrNull(body, "response_format");
        int sampleRate = body.path("sample_rate").asInt(d == Dialect.TOGETHER ? TOGETHER_SAMPLE_RATE
                : OPENAI_SAMPLE_RATE);
        int samples = (int) Math.round(input.length() * SECONDS_PER_CHARACTER * sampleRate);
        byte[] pcm = new byte[samples * 2];
        if (d == Dialect.TOGETHER) {
            if (body.path("stream").asBoolean(false)) {
                throw new BadRequestException("the fake does not stream speech", "stream", null);
            }
            String f = format == null ? "wav" : format;
            return switch (f) {
                case "wav" -> audio("audio/wav", wav(sampleRate, pcm));
                case "mp3" -> audio("audio/mpeg", mp3Stub());
                case "raw" -> {
                    // Only 16-bit samples are produced; f32le (Together's default encoding) would be twice as long.
                    String encoding = body.path("response_encoding").asText("pcm_f32le");
                    yield audio("application/octet-stream",
                            encoding.equals("pcm_s16le") ? pcm : new byte[samples * 4]);
                }
                default -> throw new BadRequestException("Invalid response_format '" + f + "' for model " + model
                        + "; expected one of wav, mp3, raw", "response_format", null);
            };
        }
        String f = format == null ? "mp3" : format;
        return switch (f) {
            case "wav" -> audio("audio/wav", wav(OPENAI_SAMPLE_RATE, pcm));
            case "pcm" -> audio("audio/pcm", pcm);
            case "mp3" -> audio("audio/mpeg", mp3Stub());
            default -> throw new BadRequestException("Invalid value for 'response_format': '" + f + "'.",
                    "response_format", "invalid_value");
        };
    }

    static Reply transcription(HttpRequest req, Dialect d, boolean translate) throws BadRequestException {
        Map<String, byte[]> parts = multipart(req);
        byte[] file = parts.get("file");
        if (file == null || file.length == 0) throw BadRequestException.missing("file");
        if (d == Dialect.OPENAI && !parts.containsKey("model")) throw BadRequestException.missing("model");
        String format = text(parts, "response_format", "json");
        if (!format.equals("json") && !format.equals("verbose_json")) {
            throw new BadRequestException("Invalid response_format '" + format + "'; expected json or verbose_json",
                    "response_format", null);
        }
        double seconds = Math.round(secondsOf(file) * 100) / 100.0;
        String text = String.format(Locale.ROOT, "Fake transcript of %.2f seconds of audio.", seconds);
        ObjectNode out = Json.object();
        if (format.equals("verbose_json")) {
            out.put("task", translate ? "translate" : "transcribe");
            // Whisper names the language in full; a request's ISO code comes back as a name, as upstream does.
            out.put("language", translate ? "english" : languageName(text(parts, "language", "en")));
            out.put("duration", seconds);
            out.put("text", text);
            ObjectNode segment = out.putArray("segments").addObject();
            segment.put("id", 0);
            segment.put("seek", 0);
            segment.put("start", 0.0);
            segment.put("end", seconds);
            segment.put("text", " " + text);
            segment.putArray("tokens");
            segment.put("temperature", 0.0);
            segment.put("avg_logprob", -0.2);
            segment.put("compression_ratio", 1.0);
            segment.put("no_speech_prob", 0.01);
        } else {
            out.put("text", text);
        }
        return Reply.json(200, Json.bytes(out));
    }

    private static Reply.Full audio(String contentType, byte[] bytes) {
        return new Reply.Full(200, contentType, List.of(), bytes);
    }

    private static String required(ObjectNode body, String field) throws BadRequestException {
        String value = Json.textOrNull(body, field);
        if (value == null || value.isEmpty()) throw BadRequestException.missing(field);
        return value;
    }

    private static String text(Map<String, byte[]> parts, String name, String fallback) {
        byte[] value = parts.get(name);
        return value == null ? fallback : new String(value, StandardCharsets.UTF_8).trim();
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

    private static byte[] wav(int sampleRate, byte[] pcm) {
        ByteBuffer b = ByteBuffer.allocate(44 + pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.length).put(pcm);
        return b.array();
    }

    /** An ID3v2 tag and one silent MPEG-1 Layer III frame header: recognisable as mp3, not meant to be played. */
    private static byte[] mp3Stub() {
        return new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64};
    }

    /** Exact for a PCM WAV (byte rate and data size from its chunks), otherwise guessed from the size. */
    static double secondsOf(byte[] upload) {
        ByteBuffer b = ByteBuffer.wrap(upload).order(ByteOrder.LITTLE_ENDIAN);
        if (upload.length < 12 || !new String(upload, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")) {
            return (double) upload.length / COMPRESSED_BYTES_PER_SECOND;
        }
        int byteRate = 0;
        int pos = 12;
        while (pos + 8 <= upload.length) {
            String id = new String(upload, pos, 4, StandardCharsets.US_ASCII);
            int size = b.getInt(pos + 4);
            if (id.equals("fmt ") && pos + 20 <= upload.length) byteRate = b.getInt(pos + 16);
            if (id.equals("data")) {
                int available = Math.min(size, upload.length - pos - 8);
                return byteRate == 0 ? 0 : (double) available / byteRate;
            }
            pos += 8 + size + (size & 1);
        }
        return 0;
    }

    /** The parts of a multipart/form-data body by name (repeated names: the last wins). */
    static Map<String, byte[]> multipart(HttpRequest req) throws BadRequestException {
        String type = req.header("content-type");
        int at = type == null ? -1 : type.indexOf("boundary=");
        if (type == null || !type.startsWith("multipart/form-data") || at < 0) {
            throw new BadRequestException("Content-Type must be multipart/form-data with a boundary", null, null);
        }
        String boundary = type.substring(at + "boundary=".length()).replace("\"", "").split(";")[0].trim();
        byte[] body = req.body();
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        Map<String, byte[]> parts = new LinkedHashMap<>();
        int start = indexOf(body, delimiter, 0);
        if (start < 0) throw new BadRequestException("multipart body has no boundary line", null, null);
        while (true) {
            int lineEnd = start + delimiter.length;
            if (lineEnd + 2 <= body.length && body[lineEnd] == '-' && body[lineEnd + 1] == '-') return parts;
            int headersStart = lineEnd + 2; // the CRLF after the boundary
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headersStart);
            int next = indexOf(body, delimiter, headersStart);
            if (headersEnd < 0 || next < 0) throw new BadRequestException("multipart body is cut short", null, null);
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            String name = partName(headers);
            int contentEnd = next - 2; // the CRLF before the next boundary belongs to it
            if (name != null) {
                parts.put(name, java.util.Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4,
                        contentEnd)));
            }
            start = next;
        }
    }

    /** The {@code name} of a part; the lookbehind keeps {@code filename="…"} from matching. */
    private static final java.util.regex.Pattern PART_NAME =
            java.util.regex.Pattern.compile("(?i)(?<![a-z])name=\"([^\"]*)\"");

    private static String partName(String headers) {
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                java.util.regex.Matcher m = PART_NAME.matcher(line);
                if (m.find()) return m.group(1);
            }
        }
        return null;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
