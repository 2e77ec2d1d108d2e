package ai.aideon.testkit;

import java.util.List;

/**
 * What a route decided to answer, before faults and pacing are applied by {@link ReplyDelivery}. Keeping the
 * answer as data lets one delivery path implement every fault for every flavour.
 */
sealed interface Reply {

    int status();

    String contentType();

    /** Route-specific headers (request-id headers are added by the server). */
    List<Header> headers();

    /** A complete body sent with Content-Length. */
    record Full(int status, String contentType, List<Header> headers, byte[] body) implements Reply {}

    /**
     * A streamed 200 body (chunked transfer encoding).
     *
     * @param frames     SSE events or NDJSON lines, one "chunk" each
     * @param terminator {@code data: [DONE]} or Ollama's {@code done:true} line; left out when a fault aborts
     * @param errorFrame the in-band error this dialect emits for {@link Fault#errorEventMidStream}
     */
    record Stream(String contentType, List<Header> headers, List<byte[]> frames, byte[] terminator,
                  byte[] errorFrame) implements Reply {
        @Override
        public int status() {
            return 200;
        }
    }

    static Full json(int status, byte[] body) {
        return new Full(status, "application/json", List.of(), body);
    }
}
