package ai.aideon.server.http;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.cache.CacheDirective;
import ai.aideon.client.cache.ChatHit;
import ai.aideon.client.cache.ChatTicket;
import ai.aideon.core.cache.ChatStreamAssembler;
import ai.aideon.client.metering.Admission;
import ai.aideon.client.metering.Metering;
import ai.aideon.core.route.Attempt;
import ai.aideon.providers.fetch.AddressPolicy;
import ai.aideon.providers.fetch.ImageInliner;
import ai.aideon.providers.fetch.SafeFetcher;
import ai.aideon.core.tier.Amounts;
import ai.aideon.core.tier.Principal;
import ai.aideon.core.tier.UsageLedger;
import java.util.List;
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
import java.util.Optional;

/**
 * {@code POST /v1/chat/completions} and {@code POST /v1/completions}: parse → admit → cache lookup → attempts →
 * write (→ store in the cache).
 * Streaming sends headers only once the first upstream chunk is in hand (so the route is final); after that a
 * failure becomes one SSE error event and the stream ends without {@code [DONE]}.
 */
final class ChatHandler {
    static final HeaderName PROVIDER = HeaderNames.create("x-aideon-provider");
    static final HeaderName MODEL = HeaderNames.create("x-aideon-model");
    static final HeaderName ROUTE = HeaderNames.create("x-aideon-route");
    static final HeaderName SOURCE = HeaderNames.create("x-aideon-source");
    static final HeaderName QUALITY = HeaderNames.create("x-aideon-quality");
    static final HeaderName COST = HeaderNames.create("x-aideon-cost-usd");
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final AideonEngine engine;
    private final Clock clock;
    private final ImageInliner images;

    ChatHandler(AideonEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
        SafeFetcher.Settings fetch = SafeFetcher.Settings.defaults();
        if (engine.config().server().imageFetchAllowLoopback()) {
            fetch = fetch.withAddressPolicy(AddressPolicy.allowLoopbackForTests());
        }
        this.images = new ImageInliner(new SafeFetcher(fetch));
    }

    void chat(ServerRequest req, ServerResponse res, String requestId) {
        handle(req, res, requestId, false);
    }

    void completion(ServerRequest req, ServerResponse res, String requestId) {
        handle(req, res, requestId, true);
    }

    private void handle(ServerRequest req, ServerResponse res, String requestId, boolean legacy) {
        Principal principal = Auth.require(engine, req);
        byte[] body = req.content().as(byte[].class);
        ChatRequest request = legacy ? ChatRequestParser.completion(body) : ChatRequestParser.chat(body);
        CacheDirective directive = CacheReplies.directive(req);
        RouteContext context = context(req, principal, request);
        Admission admission = admit(req, requestId, principal, request, context);
        if (request.hasImages()) {
            request = inlineImages(request, admission);
        }
        String id = (legacy ? "cmpl-" : "chatcmpl-") + requestId;
        ChatResponseWriter writer = new ChatResponseWriter(id, clock.millis() / 1000, legacy);
        try {
            // After admission (a hit still passes tier, rate and quota checks), before any upstream call.
            ChatTicket ticket = engine.cache().chat(CacheReplies.scope(engine, req, principal, admission.plan()),
                    request, directive);
            Optional<ChatHit> hit = ticket.lookup();
            if (hit.isPresent()) {
                serveHit(hit.get(), request, admission, res, writer);
                return;
            }
            CacheReplies.status(res, ticket.status());
            if (request.stream()) {
                stream(request, admission, res, writer, ticket);
            } else {
                complete(request, admission, res, writer, ticket);
            }
        } finally {
            if (engine.metering() != null) {
                engine.metering().abandon(admission);
            }
        }
    }

    /**
     * Vision: every image becomes a checked inline {@code data:} URI before any provider sees the request (local
     * engines take inline images only; remote URLs are fetched here, through the SSRF-safe fetcher, after the
     * caller was admitted so refused callers cannot make us fetch).
     */
    private ChatRequest inlineImages(ChatRequest request, Admission admission) {
        try {
            return images.inline(request);
        } catch (ImageInliner.InlineFailure e) {
            if (engine.metering() != null) {
                engine.metering().abandon(admission);
            }
            throw new ApiException(400, "invalid_request_error", e.refused() ? "image_url_refused"
                    : "image_url_unavailable", e.param(), e.getMessage());
        }
    }

    /** Tier, plan, rate, quota and budget — all before any upstream call. Without a store: only the plan. */
    private Admission admit(ServerRequest req, String requestId, Principal principal, ChatRequest request,
                            RouteContext context) {
        return ErrorMapper.admitted(Exchange.clientRequestId(req), () -> {
            Metering metering = engine.metering();
            if (metering == null) {
                return new Admission(requestId, principal, request, engine.plan(request, context), null,
                        Amounts.ZERO, System.nanoTime());
            }
            return metering.admit(requestId, principal, request, context);
        });
    }

    private RouteContext context(ServerRequest req, Principal principal, ChatRequest request) {
        Role role = null;
        String roleText = Exchange.header(req, "x-aideon-role").orElse(request.metadata().get("aideon_role"));
        if (roleText != null) {
            role = Role.parse(roleText).orElseThrow(() -> ApiException.invalid("x-aideon-role",
                    "Unknown role '" + roleText + "'. Use primary, fallback, critical, complex, quick, quality "
                            + "or specialized."));
        }
        boolean localOnly = Exchange.localOnly(engine, req, false);
        return new RouteContext(principal.tier(), role, localOnly);
    }

    /** An answer from the cache: recorded at cost 0, then written in the shape the caller asked for. */
    private void serveHit(ChatHit hit, ChatRequest request, Admission admission, ServerResponse res,
                          ChatResponseWriter writer) {
        ModelSpec original = hit.answer().served();
        Long cost = CacheReplies.record(engine, admission, hit.kind(), original);
        ChatResponseWriter.CacheOrigin origin = CacheReplies.hitHeaders(res, original, hit.kind(), hit.similarity(),
                hit.answer().storedAt(), engine.cache().now(), cost);
        Provenance p = new Provenance(original, List.of(), hit.kind().route(), null, cost, origin);
        Usage usage = hit.answer().usage();
        if (!request.stream()) {
            Exchange.json(res, 200, writer.response(hit.answer().response(), p, usage));
            return;
        }
        res.status(200);
        res.headers().set(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.headers().set(HeaderNames.CACHE_CONTROL, "no-cache");
        try (OutputStream out = res.outputStream()) {
            CacheReplies.replayStream(out, hit.answer().response(), writer, request.includeUsage(), usage, p);
        } catch (IOException | UncheckedIOException clientGone) {
            // The hit is recorded (cost 0); nothing else to undo.
        }
    }

    private void complete(ChatRequest request, Admission admission, ServerResponse res, ChatResponseWriter writer,
                          ChatTicket ticket) {
        ChatOutcome outcome;
        try {
            outcome = engine.chat(request, admission.plan());
        } catch (AllAttemptsFailedException e) {
            res.headers().set(ROUTE, e.routeHeader());
            ApiException error = ErrorMapper.attempts(e);
            failed(admission, e.attempts(), error.status(), e.last().kind().name().toLowerCase(Locale.ROOT));
            throw error;
        }
        Usage usage = outcome.response().usage() != null ? outcome.response().usage()
                : countedUsage(request, outcome.response().firstText());
        Long cost = settle(admission, outcome.served(), usage, outcome.attempts(), null);
        routeHeaders(res, outcome.served(), outcome.routeHeader());
        if (outcome.qualityScore() != null) {
            res.headers().set(QUALITY, String.format(Locale.ROOT, "%.2f", outcome.qualityScore()));
        }
        if (cost != null) {
            res.headers().set(COST, Metering.usd(cost));
        }
        Provenance p = new Provenance(outcome.served(), outcome.attempts(), outcome.routeHeader(),
                outcome.qualityScore(), cost);
        // The row is durable: later requests may get this answer too. Stored before the reply goes out, so a caller
        // that asks again the moment it has the reply finds it (and its age counts from now, not from a race).
        ticket.store(outcome.response(), outcome.served(), usage);
        Exchange.json(res, 200, writer.response(outcome.response(), p, usage));
    }

    private void stream(ChatRequest request, Admission admission, ServerResponse res, ChatResponseWriter writer,
                        ChatTicket ticket) {
        StreamOutcome outcome;
        try {
            outcome = engine.stream(request, admission.plan());
        } catch (AllAttemptsFailedException e) {
            // Nothing has been sent yet: this is still an ordinary HTTP error with the right status.
            res.headers().set(ROUTE, e.routeHeader());
            ApiException error = ErrorMapper.attempts(e);
            failed(admission, e.attempts(), error.status(), e.last().kind().name().toLowerCase(Locale.ROOT));
            throw error;
        }
        ModelSpec served = outcome.served();
        routeHeaders(res, served, outcome.routeHeader());
        res.status(200);
        res.headers().set(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.headers().set(HeaderNames.CACHE_CONTROL, "no-cache");
        boolean[] roleSent = new boolean[request.n()];
        StringBuilder delivered = new StringBuilder();
        ChatStreamAssembler answer = new ChatStreamAssembler();
        Usage usage = null;
        boolean settled = false;
        Usage complete = null;
        try (ChatStream upstream = outcome.stream(); OutputStream out = res.outputStream()) {
            try {
                ChatChunk chunk;
                while ((chunk = upstream.next()) != null) {
                    if (chunk.usage() != null) {
                        usage = chunk.usage();
                    }
                    answer.add(chunk);
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
                // Past the first byte there is no fallback: the caller pays for what was delivered, is told so
                // in-band, and the stream ends without [DONE].
                settled = true;
                settle(admission, served, countedUsage(request, delivered.toString()), outcome.attempts(),
                        "stream_interrupted");
                event(out, Json.error(ErrorMapper.midStream(broken)));
                return;
            }
            Usage finalUsage = usage != null ? usage : countedUsage(request, delivered.toString());
            settled = true;
            Long cost = settle(admission, served, finalUsage, outcome.attempts(), null);
            // The ledger row is durable before these final bytes leave.
            if (request.includeUsage()) {
                event(out, writer.usageChunk(finalUsage, new Provenance(served, outcome.attempts(),
                        outcome.routeHeader(), null, cost)));
            }
            out.write(DONE);
            out.flush();
            complete = finalUsage;
        } catch (IOException | UncheckedIOException clientGone) {
            // The client hung up; closing the upstream stream (try-with-resources) stops the generation. What was
            // generated until then is still charged and recorded.
            if (!settled) {
                settleQuietly(admission, served, countedUsage(request, delivered.toString()), outcome.attempts());
            }
        } catch (ApiException ledgerDown) {
            // Only settle() throws this here: the row could not be made durable, so the stream must not end as a
            // success. Headers are out: say it in-band.
            try (OutputStream out = res.outputStream()) {
                event(out, Json.error(ledgerDown));
            } catch (IOException | UncheckedIOException ignored) {
                // client gone as well
            }
        }
        // Only a stream that was delivered to its end, recorded, and finished every choice fills the cache; this runs
        // after the response is closed, so the caller doesn't wait for it.
        if (complete != null && answer.complete(request.n())) {
            ticket.store(answer.response("stream", clock.millis() / 1000, served.upstreamId()), served, complete);
        }
    }

    /** Records and settles a delivered answer; returns the cost (null without metering). */
    private Long settle(Admission a, ModelSpec served, Usage usage, List<Attempt> attempts, String errorKind) {
        Metering metering = engine.metering();
        if (metering == null) {
            return null;
        }
        try {
            return metering.succeeded(a, served, usage, attempts, 200, errorKind);
        } catch (UsageLedger.LedgerUnavailableException e) {
            throw new ApiException(503, "service_unavailable", "ledger_unavailable", null,
                    "The answer was produced but could not be recorded, so it is withheld; retry shortly.");
        }
    }

    private void settleQuietly(Admission a, ModelSpec served, Usage usage, List<Attempt> attempts) {
        try {
            settle(a, served, usage, attempts, "client_disconnected");
        } catch (ApiException e) {
            // Logged by the ledger; nobody is listening any more.
        }
    }

    private void failed(Admission a, List<Attempt> attempts, int status, String errorKind) {
        if (engine.metering() != null) {
            engine.metering().failed(a, attempts, status, errorKind);
        }
    }

    static void event(OutputStream out, byte[] json) throws IOException {
        out.write(DATA);
        out.write(json);
        out.write(END_EVENT);
        out.flush();
    }

    /** x-aideon-provider/-model/-route/-source, for every endpoint that routes. */
    static void routeHeaders(ServerResponse res, ModelSpec served, String route) {
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
