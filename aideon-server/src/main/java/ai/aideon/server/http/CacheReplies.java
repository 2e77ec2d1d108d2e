package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.cache.CacheDirective;
import ai.aideon.client.cache.CacheKind;
import ai.aideon.client.cache.CacheStatus;
import ai.aideon.client.metering.Admission;
import ai.aideon.client.metering.Metering;
import ai.aideon.core.api.ChatChoice;
import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatResponse;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.ToolCall;
import ai.aideon.core.api.ToolCallDelta;
import ai.aideon.core.api.Usage;
import ai.aideon.core.cache.CacheScope;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.route.RoutePlan;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.tier.UsageLedger;
import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.ChatResponseWriter;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP side of the response cache, shared by chat and embeddings: reading what the caller asks of the cache,
 * recording a hit, the {@code x-aideon-cache*} headers, and replaying a cached chat answer as a stream.
 *
 * <p>Response headers: {@code x-aideon-cache: hit|miss|bypass} (only for requests the cache could serve), and on a hit
 * {@code x-aideon-cache-kind: exact|semantic}, {@code x-aideon-cache-age} (seconds since the answer was computed),
 * {@code x-aideon-cache-similarity} (semantic), {@code x-aideon-route: cache:exact|cache:semantic},
 * {@code x-aideon-source: cache}, {@code x-aideon-model}/{@code -provider} of the model that computed it, and
 * {@code x-aideon-cost-usd: 0.000000}.
 */
final class CacheReplies {
    static final HeaderName CACHE = HeaderNames.create("x-aideon-cache");
    static final HeaderName CACHE_KIND = HeaderNames.create("x-aideon-cache-kind");
    static final HeaderName CACHE_AGE = HeaderNames.create("x-aideon-cache-age");
    static final HeaderName CACHE_SIMILARITY = HeaderNames.create("x-aideon-cache-similarity");

    private CacheReplies() {
    }

    /** The caller's {@code x-aideon-cache} / {@code Cache-Control} wishes; an unknown value is a 400. */
    static CacheDirective directive(ServerRequest req) {
        try {
            return CacheDirective.parse(Exchange.header(req, CacheDirective.HEADER).orElse(null),
                    Exchange.header(req, "cache-control").orElse(null));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(CacheDirective.HEADER, e.getMessage());
        }
    }

    /**
     * The request's cache scope. Local-only here means the policy (the caller's {@code x-aideon-privacy: local_only}
     * or {@code offline: true}), not the momentary state "no cloud reachable": while the network is down, answers the
     * cloud computed earlier may still be served, since serving them sends nothing anywhere.
     */
    static CacheScope scope(AideonEngine engine, ServerRequest req, Principal principal, RoutePlan plan) {
        boolean localOnly = engine.config().server().offline() || Exchange.header(req, "x-aideon-privacy")
                .map(p -> p.toLowerCase(Locale.ROOT).equals("local_only")).orElse(false);
        return new CacheScope(principal.tenantId(), principal.tier(), plan.role(), localOnly);
    }

    static void status(ServerResponse res, CacheStatus status) {
        if (status.header() != null) {
            res.headers().set(CACHE, status.header());
        }
    }

    /**
     * Writes the hit's ledger row (cost 0; see {@link Metering#servedFromCache}) and returns its cost for the
     * response: 0, or null without metering. Like any answer, a hit is withheld when its row cannot be made durable.
     */
    static Long record(AideonEngine engine, Admission admission, CacheKind kind, ModelSpec original) {
        Metering metering = engine.metering();
        if (metering == null) {
            return null;
        }
        try {
            metering.servedFromCache(admission, kind.route(), original);
            return 0L;
        } catch (UsageLedger.LedgerUnavailableException e) {
            throw new ApiException(503, "service_unavailable", "ledger_unavailable", null,
                    "The answer was found but could not be recorded, so it is withheld; retry shortly.");
        }
    }

    /** The headers of a hit; returns what the body says about the cache. */
    static ChatResponseWriter.CacheOrigin hitHeaders(ServerResponse res, ModelSpec original, CacheKind kind,
                                                      Double similarity, Instant storedAt, Instant now, Long cost) {
        ChatHandler.routeHeaders(res, original, kind.route());
        res.headers().set(ChatHandler.SOURCE, "cache");
        res.headers().set(CACHE, CacheStatus.HIT.header());
        res.headers().set(CACHE_KIND, kind.wire());
        long age = Math.max(0, Duration.between(storedAt, now).toSeconds());
        res.headers().set(CACHE_AGE, Long.toString(age));
        if (similarity != null) {
            res.headers().set(CACHE_SIMILARITY, String.format(Locale.ROOT, "%.3f", similarity));
        }
        if (cost != null) {
            res.headers().set(ChatHandler.COST, Metering.usd(cost));
        }
        return new ChatResponseWriter.CacheOrigin(kind.wire(), age, similarity);
    }

    /**
     * A cached answer as an SSE stream, so a streaming caller gets a hit in the shape it asked for: per choice one
     * chunk with the whole content and tool calls, then one with the finish reason; the usage chunk when asked; then
     * {@code [DONE]}.
     */
    static void replayStream(OutputStream out, ChatResponse answer, ChatResponseWriter writer, boolean includeUsage,
                             Usage usage, ChatResponseWriter.Provenance provenance) throws IOException {
        ModelSpec served = provenance.served();
        boolean[] roleSent = new boolean[answer.choices().size()];
        for (ChatChoice c : answer.choices()) {
            List<ToolCallDelta> tools = new ArrayList<>();
            for (int i = 0; i < c.message().toolCalls().size(); i++) {
                ToolCall t = c.message().toolCalls().get(i);
                tools.add(new ToolCallDelta(i, t.id(), t.name(), t.argumentsJson()));
            }
            String text = c.message().content() == null ? null : c.message().text();
            ChatHandler.event(out, writer.chunk(ChatChunk.of(new ChoiceDelta(c.index(), "assistant", text, tools,
                    null)), served, roleSent, includeUsage));
            ChatHandler.event(out, writer.chunk(ChatChunk.of(new ChoiceDelta(c.index(), null, null, null,
                    c.finishReason() == null ? "stop" : c.finishReason())), served, roleSent, includeUsage));
        }
        if (includeUsage) {
            ChatHandler.event(out, writer.usageChunk(usage, provenance));
        }
        out.write(ChatHandler.DONE);
        out.flush();
    }
}
