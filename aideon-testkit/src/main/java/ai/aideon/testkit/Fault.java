package ai.aideon.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * One injected upstream failure, applied to a single request (see {@link Faults}).
 *
 * <p>Each fault is rendered in the flavour's own wire shape (error envelope, headers, SSE vs NDJSON framing), so
 * adapters are tested against what the real provider does, not against a generic error.
 *
 * <p>A "chunk" in {@link #abortMidStream} / {@link #errorEventMidStream} is one SSE event or one NDJSON line,
 * counting the initial role event of OpenAI-style streams.
 */
public sealed interface Fault {

    /**
     * 429 in the provider's shape. Together: type {@code dynamic_request_limited} plus {@code x-ratelimit-*},
     * {@code x-tokenlimit-*} headers; OpenAI: code {@code rate_limit_exceeded},
     * {@code x-ratelimit-remaining-requests: 0}; Ollama: {@code {"error":"..."}}. A positive
     * {@code retryAfterSeconds} adds {@code Retry-After}; 0 omits it (as OpenAI does for quota errors).
     */
    static Fault rateLimited(int retryAfterSeconds) {
        return new RateLimited(retryAfterSeconds);
    }

    /** 503. Together answers with a plain-text body (its SDK does not read it); others with JSON. */
    static Fault overloaded() {
        return new Overloaded();
    }

    /** 500 in the provider's error shape. */
    static Fault serverError() {
        return new ServerError();
    }

    /** 504 (documented by Together; rendered in each flavour's error shape). */
    static Fault gatewayTimeout() {
        return new GatewayTimeout();
    }

    /** 401 in the provider's shape, whatever key was sent. */
    static Fault invalidKey() {
        return new InvalidKey();
    }

    /** Holds the response (not even the status line is sent) for {@code delay}, then answers normally. */
    static Fault delayFirstByte(Duration delay) {
        return new DelayFirstByte(delay);
    }

    /** Reads the request, then resets the TCP connection (SO_LINGER 0 + close) without sending a byte. */
    static Fault connectionReset() {
        return new ConnectionReset();
    }

    /**
     * Streams {@code afterChunks} chunks, then closes the socket without {@code [DONE]} / {@code done:true} and
     * without the terminating HTTP chunk. Non-stream answers: closes after half of the body bytes.
     */
    static Fault abortMidStream(int afterChunks) {
        return new AbortMidStream(afterChunks);
    }

    /**
     * Streams {@code afterChunks} chunks, then an in-band error (SSE {@code data: {"error":{...}}} or NDJSON
     * {@code {"error":"..."}}) with the status still 200, then ends the body and closes the connection.
     * Non-stream requests get a plain 500 instead (there is no "in-band" for them).
     */
    static Fault errorEventMidStream(int afterChunks) {
        return new ErrorEventMidStream(afterChunks);
    }

    /** Spaces stream chunks (or, for non-stream answers, eight pieces of the body) by {@code perChunk}. */
    static Fault slowBody(Duration perChunk) {
        return new SlowBody(perChunk);
    }

    record RateLimited(int retryAfterSeconds) implements Fault {
        public RateLimited {
            if (retryAfterSeconds < 0) throw new IllegalArgumentException("retryAfterSeconds < 0");
        }
    }

    record Overloaded() implements Fault {}

    record ServerError() implements Fault {}

    record GatewayTimeout() implements Fault {}

    record InvalidKey() implements Fault {}

    record DelayFirstByte(Duration delay) implements Fault {
        public DelayFirstByte {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) throw new IllegalArgumentException("negative delay");
        }
    }

    record ConnectionReset() implements Fault {}

    record AbortMidStream(int afterChunks) implements Fault {
        public AbortMidStream {
            if (afterChunks < 0) throw new IllegalArgumentException("afterChunks < 0");
        }
    }

    record ErrorEventMidStream(int afterChunks) implements Fault {
        public ErrorEventMidStream {
            if (afterChunks < 0) throw new IllegalArgumentException("afterChunks < 0");
        }
    }

    record SlowBody(Duration perChunk) implements Fault {
        public SlowBody {
            Objects.requireNonNull(perChunk, "perChunk");
            if (perChunk.isNegative()) throw new IllegalArgumentException("negative perChunk");
        }
    }
}
