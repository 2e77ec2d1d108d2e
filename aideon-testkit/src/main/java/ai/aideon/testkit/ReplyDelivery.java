package ai.aideon.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a {@link Reply} on the wire, applying the pacing and the wire-level faults (abort, in-band error, slow
 * body). Error-answer faults and resets are decided before routing, in {@link FakeUpstream}.
 */
final class ReplyDelivery {

    /** Non-stream bodies under {@link Fault#slowBody} arrive in this many pieces. */
    static final int SLOW_PIECES = 8;

    private ReplyDelivery() {}

    /**
     * @param common     headers every response of this dialect carries (request ids)
     * @param fault      the fault for this request, or null
     * @param tokenDelay pause between streamed chunks
     */
    static void deliver(HttpExchange ex, Reply reply, List<Header> common, Fault fault, Duration tokenDelay)
            throws IOException, InterruptedException {
        List<Header> headers = merge(common, reply.headers());
        switch (reply) {
            case Reply.Full full -> deliverFull(ex, full, headers, fault);
            case Reply.Stream stream -> deliverStream(ex, stream, headers, fault, tokenDelay);
        }
    }

    private static void deliverFull(HttpExchange ex, Reply.Full r, List<Header> headers, Fault fault)
            throws IOException, InterruptedException {
        switch (fault) {
            case Fault.AbortMidStream a ->
                    ex.sendTruncatedAndClose(r.status(), headers, r.contentType(), r.body(), r.body().length / 2);
            case Fault.SlowBody s -> ex.sendInPieces(r.status(), headers, r.contentType(), r.body(), SLOW_PIECES,
                    s.perChunk());
            case null, default -> ex.send(r.status(), headers, r.contentType(), r.body());
        }
    }

    private static void deliverStream(HttpExchange ex, Reply.Stream r, List<Header> headers, Fault fault,
                                      Duration tokenDelay) throws IOException, InterruptedException {
        int limit = switch (fault) {
            case Fault.AbortMidStream a -> a.afterChunks();
            case Fault.ErrorEventMidStream e -> e.afterChunks();
            case null, default -> Integer.MAX_VALUE;
        };
        Duration gap = fault instanceof Fault.SlowBody s ? tokenDelay.plus(s.perChunk()) : tokenDelay;

        ex.beginChunked(r.status(), headers, r.contentType());
        List<byte[]> frames = r.frames();
        int sent = Math.min(limit, frames.size());
        for (int i = 0; i < sent; i++) {
            if (i > 0) HttpExchange.sleep(gap);
            ex.chunk(frames.get(i));
        }
        if (fault instanceof Fault.AbortMidStream) {
            ex.abort(); // no terminator and no final HTTP chunk: the client sees a truncated body
            return;
        }
        if (fault instanceof Fault.ErrorEventMidStream) {
            ex.chunk(r.errorFrame());
            ex.endChunked();
            ex.abort(); // a well-framed end of body, then the connection goes away
            return;
        }
        ex.chunk(r.terminator()); // [DONE] follows the last event at once, as real servers do
        ex.endChunked();
    }

    private static List<Header> merge(List<Header> a, List<Header> b) {
        if (b.isEmpty()) return a;
        if (a.isEmpty()) return b;
        List<Header> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }
}
