package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.config.ClientKey;
import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ChoiceDelta;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Usage;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.route.AllAttemptsFailedException;
import ai.aideon.core.route.ChatOutcome;
import ai.aideon.core.route.RouteContext;
import ai.aideon.core.route.RoutePlan;
import ai.aideon.core.route.RoutingException;
import ai.aideon.core.route.StreamOutcome;
import ai.aideon.core.route.TokenCounter;
import ai.aideon.server.api.ApiException;
import ai.aideon.server.api.ChatRequestParser;
import ai.aideon.server.api.ChatResponseWriter;
import ai.aideon.server.api.ChatResponseWriter.Provenance;
import ai.aideon.server.api.ErrorMapper;
import ai.aideon.server.api.Json;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: parse → plan → attempts → write.
 * Streaming sends headers only once the first upstream chunk is in hand (so the route is final); after that a
 * failure becomes one SSE error event and the stream ends without {@code [DONE]}.
 */
final class ChatHandler {
    static final HeaderName PROVIDER = HeaderNames.create("x-aideon-provider");
    static final HeaderName MODEL = HeaderNames.create("x-aideon-model");
    static final HeaderName ROUTE = HeaderNames.create("x-aideon-route");
    static final HeaderName SOURCE = HeaderNames.create("x-aideon-source");
    static final HeaderName QUALITY = HeaderNames.create("x-aideon-quality");
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final AideonEngine engine;
    private final Clock clock;

    ChatHandler(AideonEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    void chat(ServerRequest req, ServerResponse res, String requestId) {
        handle(req, res, requestId, false);
    }

    void completion(ServerRequest req, ServerResponse res, String requestId) {
        handle(req, res, requestId, true);
    }

    private void handle(ServerRequest req, ServerResponse res, String requestId, boolean legacy) {
        ClientKey client = Auth.require(engine, req);
        byte[] body = req.content().as(byte[].class);
        ChatRequest request = legacy ? ChatRequestParser.completion(body) : ChatRequestParser.chat(body);
        RouteContext context = context(req, client, request);
        RoutePlan plan;
        try {
            plan = engine.plan(request, context);
        } catch (RoutingException e) {
            throw ErrorMapper.routing(e);
        }
        String id = (legacy ? "cmpl-" : "chatcmpl-") + requestId;
        ChatResponseWriter writer = new ChatResponseWriter(id, clock.millis() / 1000, legacy);
        if (request.stream()) {
            stream(request, plan, res, writer);
        } else {
            complete(request, plan, res, writer);
        }
    }

    private static RouteContext context(ServerRequest req, ClientKey client, ChatRequest request) {
        Role role = null;
        String roleText = Exchange.header(req, "x-aideon-role").orElse(request.metadata().get("aideon_role"));
        if (roleText != null) {
            role = Role.parse(roleText).orElseThrow(() -> ApiException.invalid("x-aideon-role",
                    "Unknown role '" + roleText + "'. Use primary, fallback, critical, complex, quick, quality "
                            + "or specialized."));
        }
        boolean localOnly = Exchange.header(req, "x-aideon-privacy")
                .map(p -> p.toLowerCase(Locale.ROOT).equals("local_only")).orElse(false);
        return new RouteContext(client.tier(), role, localOnly);
    }

    private void complete(ChatRequest request, RoutePlan plan, ServerResponse res, ChatResponseWriter writer) {
        ChatOutcome outcome;
        try {
            outcome = engine.chat(request, plan);
        } catch (AllAttemptsFailedException e) {
            res.headers().set(ROUTE, e.routeHeader());
            throw ErrorMapper.attempts(e);
        }
        routeHeaders(res, outcome.served(), outcome.routeHeader());
        if (outcome.qualityScore() != null) {
            res.headers().set(QUALITY, String.format(Locale.ROOT, "%.2f", outcome.qualityScore()));
        }
        Usage usage = outcome.response().usage() != null ? outcome.response().usage()
                : countedUsage(request, outcome.response().firstText());
        Provenance p = new Provenance(outcome.served(), outcome.attempts(), outcome.routeHeader(),
                outcome.qualityScore());
        Exchange.json(res, 200, writer.response(outcome.response(), p, usage));
    }

    private void stream(ChatRequest request, RoutePlan plan, ServerResponse res, ChatResponseWriter writer) {
        StreamOutcome outcome;
        try {
            outcome = engine.stream(request, plan);
        } catch (AllAttemptsFailedException e) {
            // Nothing has been sent yet: this is still an ordinary HTTP error with the right status.
            res.headers().set(ROUTE, e.routeHeader());
            throw ErrorMapper.attempts(e);
        }
        ModelSpec served = outcome.served();
        routeHeaders(res, served, outcome.routeHeader());
        res.status(200);
        res.headers().set(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.headers().set(HeaderNames.CACHE_CONTROL, "no-cache");
        boolean[] roleSent = new boolean[request.n()];
        StringBuilder delivered = new StringBuilder();
        Usage usage = null;
        try (ChatStream upstream = outcome.stream(); OutputStream out = res.outputStream()) {
            try {
                ChatChunk chunk;
                while ((chunk = upstream.next()) != null) {
                    if (chunk.usage() != null) {
                        usage = chunk.usage();
                    }
                    if (!chunk.choices().isEmpty()) {
                        for (ChoiceDelta d : chunk.choices()) {
                            if (d.content() != null) {
                                delivered.append(d.content());
                            }
                        }
                        event(out, writer.chunk(chunk, served, roleSent, request.includeUsage()));
                    }
                }
            } catch (ProviderException broken) {
                // Past the first byte there is no fallback: say so in-band and end without [DONE].
                event(out, Json.error(ErrorMapper.midStream(broken)));
                return;
            }
            if (request.includeUsage()) {
                Usage finalUsage = usage != null ? usage : countedUsage(request, delivered.toString());
                event(out, writer.usageChunk(finalUsage, new Provenance(served, outcome.attempts(),
                        outcome.routeHeader(), null)));
            }
            out.write(DONE);
            out.flush();
        } catch (IOException | UncheckedIOException clientGone) {
            // The client hung up; closing the upstream stream (try-with-resources) stops the generation.
        }
    }

    private static void event(OutputStream out, byte[] json) throws IOException {
        out.write(DATA);
        out.write(json);
        out.write(END_EVENT);
        out.flush();
    }

    private static void routeHeaders(ServerResponse res, ModelSpec served, String route) {
        res.headers().set(PROVIDER, served.provider());
        res.headers().set(MODEL, served.id());
        res.headers().set(ROUTE, route);
        res.headers().set(SOURCE, served.source().wire());
    }

    /** Usage when the upstream reported none: count what was asked and what was delivered. */
    private static Usage countedUsage(ChatRequest request, String completionText) {
        TokenCounter counter = TokenCounter.cl100k();
        return new Usage(counter.countPrompt(request), counter.count(completionText));
    }
}
