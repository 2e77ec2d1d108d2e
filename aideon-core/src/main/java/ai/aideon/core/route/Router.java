package ai.aideon.core.route;

import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.Modality;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Source;
import ai.aideon.core.catalog.Capability;
import ai.aideon.core.catalog.Catalog;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Route;
import ai.aideon.core.catalog.RouteEntry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Turns a chat request into an ordered plan of candidates, each with the reason it is where it is.
 *
 * <p>Steps, in order: resolve the model string (route alias or concrete model) and check tier access; order the
 * route's entries by the requested role (entries naming a local engine's model that no discovery has listed yet are
 * skipped); drop candidates that cannot serve the request (not a chat model, missing capability, not local under
 * {@code local_only}, context too small, engine found down or loading by its health probe); move models with an
 * open breaker to the end. A probed-down engine is dropped, not moved last like an open breaker: the probe already
 * knows the attempt would fail, so making it would only add latency before the fallback.
 * When nothing is left the error names the filter that removed the last candidate, since that is what the caller
 * can act on.
 *
 * <p>Pure and cheap: no I/O, one catalog snapshot per call, the prompt is tokenized exactly once. Plans are a
 * handful of entries, so plain loops over small lists beat hashing.
 */
public final class Router {

    /** Request metadata key selecting a role when the {@code x-aideon-role} header is absent. */
    public static final String ROLE_METADATA_KEY = "aideon_role";
    /** Tier suggested first when a request is refused for its tier. */
    private static final String PREFERRED_UPGRADE_TIER = "premium";

    // Why a candidate left the plan; higher = survived more filters. The highest stage any entry reached decides
    // the error when none survives (filters run in this order).
    private static final int KEPT = Integer.MAX_VALUE;
    private static final int DROPPED_NOT_CHAT = 1;
    private static final int DROPPED_CAPABILITY = 2;
    private static final int DROPPED_PRIVACY = 3;
    private static final int DROPPED_CONTEXT = 4;
    private static final int DROPPED_ENGINE = 5;

    private static final Comparator<Candidate> CHEAPEST_FIRST = Comparator
            .comparing((Candidate c) -> c.model().price().outputPerMTokens())
            .thenComparing(c -> c.model().price().perImage()) // image models have no token price
            .thenComparingInt(c -> c.model().contextWindow() > 0 ? c.model().contextWindow() : Integer.MAX_VALUE);

    private final Supplier<Catalog> catalog;
    private final HealthView health;
    private final RouterSettings settings;

    public Router(Supplier<Catalog> catalog, HealthView health, RouterSettings settings) {
        this.catalog = catalog;
        this.health = health;
        this.settings = settings;
    }

    public RoutePlan plan(ChatRequest request, RouteContext ctx) throws RoutingException {
        Catalog cat = catalog.get();
        String tier = ctx.tier();
        Role role = roleOf(request, ctx);
        String requested = request.model();

        List<Candidate> ordered = new ArrayList<>(8);
        List<Skipped> skipped = new ArrayList<>(4);
        String routeAlias = gather(cat, requested, tier, role, ordered, skipped);
        if (ordered.isEmpty()) {
            throw nothingDiscovered(routeAlias, tier, skipped);
        }

        int prompt = TokenCounter.withMargin(TokenCounter.cl100k().countPrompt(request),
                settings.tokenMarginFraction(), settings.tokenMarginFixed());
        int completion = request.maxTokens() != null ? request.maxTokens() : settings.minCompletionTokens();
        int needed = prompt + completion;
        Set<Capability> required = requiredCapabilities(request);

        List<Candidate> available = new ArrayList<>(ordered.size());
        List<Candidate> breakerOpen = null;
        int furthestStage = 0;
        int largestWindow = 0;
        for (int i = 0; i < ordered.size(); i++) {
            Candidate c = ordered.get(i);
            ModelSpec m = c.model();
            if (seenBefore(ordered, i)) {
                continue; // same model via another entry: its first position wins
            }
            String why = null;
            int stage = KEPT;
            Capability missing;
            if (!m.modality().isChat()) {
                stage = DROPPED_NOT_CHAT;
                why = "not a chat model (" + m.modality().name().toLowerCase(java.util.Locale.ROOT) + ")";
            } else if ((missing = firstMissing(m, required)) != null) {
                stage = DROPPED_CAPABILITY;
                why = "lacks " + wire(missing);
            } else if (ctx.localOnly() && m.source() != Source.LOCAL) {
                stage = DROPPED_PRIVACY;
                why = "local_only";
            } else {
                largestWindow = Math.max(largestWindow, m.contextWindow());
                if (m.contextWindow() > 0 && m.contextWindow() < needed) {
                    stage = DROPPED_CONTEXT;
                    why = "context " + m.contextWindow() + " < " + needed + " needed";
                } else if ((why = health.engineUnavailable(m)) != null) {
                    stage = DROPPED_ENGINE;
                }
            }
            furthestStage = Math.max(furthestStage, stage);
            if (why != null) {
                skipped.add(new Skipped(m.id(), why));
            } else if (health.isAvailable(m)) {
                available.add(c);
            } else {
                // Kept, not dropped: if every candidate is open the executor still tries, gets refused by the
                // breaker and reports that, which explains the outage better than a routing error would.
                if (breakerOpen == null) {
                    breakerOpen = new ArrayList<>(2);
                }
                breakerOpen.add(new Candidate(m, c.role(), c.reason() + " (breaker open)"));
            }
        }
        if (breakerOpen != null) {
            available.addAll(breakerOpen);
        }
        if (available.isEmpty()) {
            throw noCandidate(furthestStage, request, ctx, routeAlias, required, ordered, prompt, completion,
                    needed, largestWindow, skipped);
        }
        return new RoutePlan(requested, routeAlias, role, prompt, available, skipped);
    }

    /**
     * Collects the candidates for a route alias (its plan for the tier) or a concrete model (the model, then its home
     * route's plan as fallbacks), ordered by role, after the tier checks. Returns the route alias the plan comes from.
     */
    private static String gather(Catalog cat, String requested, String tier, Role role, List<Candidate> ordered,
                                 List<Skipped> skipped) throws RoutingException {
        String routeAlias;
        Route route = cat.route(requested).orElse(null);
        if (route != null) {
            List<RouteEntry> entries = route.planFor(tier);
            if (entries.isEmpty()) {
                String allowing = allowingTier(route.plans().keySet(), t -> !route.planFor(t).isEmpty());
                throw new RoutingException(RoutingException.Reason.TIER_NOT_ALLOWED,
                        "Route '" + route.alias() + "' is not available to tier '" + tier + "'"
                                + upgradeHint(allowing), "model", allowing);
            }
            routeAlias = route.alias();
            orderByRole(cat, entries, role, ordered, skipped);
        } else {
            ModelSpec model = cat.model(requested).orElseThrow(() -> new RoutingException(
                    RoutingException.Reason.MODEL_NOT_FOUND,
                    "The model '" + requested + "' does not exist or you do not have access to it. "
                            + "GET /v1/models lists the models and routes you can use.", "model", null));
            if (!model.allowsTier(tier)) {
                String allowing = allowingTier(model.tiers(), model::allowsTier);
                throw new RoutingException(RoutingException.Reason.TIER_NOT_ALLOWED,
                        "The model '" + requested + "' is not available to tier '" + tier + "'"
                                + upgradeHint(allowing), "model", allowing);
            }
            ordered.add(new Candidate(model, Role.PRIMARY, "requested"));
            Route home = cat.homeRouteOf(model.id()).orElse(null);
            routeAlias = home != null ? home.alias() : model.id();
            if (home != null) {
                orderByRole(cat, home.planFor(tier), role, ordered, skipped);
            }
        }

        return routeAlias;
    }

    /**
     * The plan for a non-chat request (embeddings, speech, transcription, images): the same tier checks, role
     * ordering, privacy and health rules as chat, with models of other modalities left out.
     */
    public RoutePlan planModality(String requested, Modality modality, Role requestedRole, RouteContext ctx)
            throws RoutingException {
        Catalog cat = catalog.get();
        Role role = ctx.role() != null ? ctx.role() : requestedRole != null ? requestedRole : Role.PRIMARY;
        List<Candidate> ordered = new ArrayList<>(8);
        List<Skipped> skipped = new ArrayList<>(4);
        String routeAlias = gather(cat, requested, ctx.tier(), role, ordered, skipped);
        if (ordered.isEmpty()) {
            throw nothingDiscovered(routeAlias, ctx.tier(), skipped);
        }
        List<Candidate> available = new ArrayList<>(ordered.size());
        List<Candidate> breakerOpen = new ArrayList<>(2);
        boolean rightModalitySeen = false;
        boolean engineDown = false;
        for (int i = 0; i < ordered.size(); i++) {
            Candidate c = ordered.get(i);
            ModelSpec m = c.model();
            if (seenBefore(ordered, i)) {
                continue;
            }
            if (m.modality() != modality) {
                skipped.add(new Skipped(m.id(), "serves " + m.modality().name().toLowerCase(java.util.Locale.ROOT)));
                continue;
            }
            rightModalitySeen = true;
            String down;
            if (ctx.localOnly() && m.source() != Source.LOCAL) {
                skipped.add(new Skipped(m.id(), "local_only"));
            } else if ((down = health.engineUnavailable(m)) != null) {
                skipped.add(new Skipped(m.id(), down));
                engineDown = true;
            } else if (health.isAvailable(m)) {
                available.add(c);
            } else {
                breakerOpen.add(new Candidate(m, c.role(), c.reason() + " (breaker open)"));
            }
        }
        available.addAll(breakerOpen);
        String what = modality.name().toLowerCase(java.util.Locale.ROOT);
        if (available.isEmpty()) {
            if (engineDown) {
                throw enginesDown(routeAlias, ctx.tier(), skipped);
            }
            if (rightModalitySeen && ctx.localOnly()) {
                throw new RoutingException(RoutingException.Reason.NO_LOCAL_ENGINE, "No local engine serves "
                        + what + " on '" + routeAlias + "', and this request must stay local (offline, cloud "
                        + "unreachable, or x-aideon-privacy: local_only). " + installHint(modality), null, null);
            }
            throw new RoutingException(RoutingException.Reason.NO_CAPABLE_MODEL, "'" + requested
                    + "' has no " + what + " model for tier '" + ctx.tier() + "'.", "model", null);
        }
        return new RoutePlan(requested, routeAlias, role, 0, available, skipped);
    }

    /** What to install so a modality has a local engine. */
    static String installHint(Modality modality) {
        return switch (modality) {
            case TEXT, CODE, VISION -> "Install Ollama (or run vLLM / llama.cpp) and configure it as a local provider "
                    + "(type ollama, vllm or llamacpp); its models are discovered.";
            case EMBED -> "Add a provider of type onnx (the built-in all-MiniLM-L6-v2 model) to the route.";
            case TTS -> "Install espeak-ng (apt-get install espeak-ng sox libsox-fmt-mp3) and a provider of type espeak.";
            case STT -> "Install pocketsphinx (apt-get install pocketsphinx pocketsphinx-en-us sox) and a provider of "
                    + "type pocketsphinx, or run whisper.cpp's whisper-server and a provider of type whisper-cpp.";
            case IMAGE, VIDEO -> "There is no local " + modality.name().toLowerCase(java.util.Locale.ROOT)
                    + " engine yet; this needs a cloud provider.";
        };
    }

    /** The header/context role wins over metadata; unknown names fall back to PRIMARY rather than failing. */
    static Role roleOf(ChatRequest request, RouteContext ctx) {
        if (ctx.role() != null) {
            return ctx.role();
        }
        String fromMetadata = request.metadata().get(ROLE_METADATA_KEY);
        return fromMetadata == null ? Role.PRIMARY : Role.parse(fromMetadata).orElse(Role.PRIMARY);
    }

    /**
     * Appends the entries in the order the role asks for. PRIMARY and FALLBACK entries are the general plan; the
     * special roles' entries are held back for requests that ask for exactly that role, and then go first.
     */
    private static void orderByRole(Catalog cat, List<RouteEntry> entries, Role role, List<Candidate> out,
                                    List<Skipped> skipped) {
        List<RouteEntry> general = new ArrayList<>(entries.size());
        List<RouteEntry> special = new ArrayList<>(2);
        for (RouteEntry e : entries) {
            if (isGeneral(e.role())) {
                general.add(e);
            } else if (e.role() == role) {
                special.add(e);
            }
        }
        if (general.isEmpty() && special.isEmpty()) {
            // A plan made only of other roles' entries: serving from them beats refusing the request.
            for (RouteEntry e : entries) {
                add(cat, e, "only entry (role=" + e.role().wire() + ")", out, skipped);
            }
            return;
        }
        for (RouteEntry e : special) {
            add(cat, e, "role=" + role.wire(), out, skipped);
        }
        switch (role) {
            case FALLBACK -> {
                // Skip the primaries (e.g. a caller who knows local is busy): fallbacks first, primaries last.
                for (RouteEntry e : general) {
                    if (e.role() == Role.FALLBACK) {
                        add(cat, e, "fallback (role=fallback)", out, skipped);
                    }
                }
                for (RouteEntry e : general) {
                    if (e.role() == Role.PRIMARY) {
                        add(cat, e, "primary, moved last (role=fallback)", out, skipped);
                    }
                }
            }
            case QUICK -> {
                if (special.isEmpty()) {
                    addCheapestFirst(cat, general, out, skipped);
                } else {
                    addInOrder(cat, general, out, skipped);
                }
            }
            default -> addInOrder(cat, general, out, skipped);
        }
    }

    private static void addInOrder(Catalog cat, List<RouteEntry> general, List<Candidate> out,
                                   List<Skipped> skipped) {
        for (RouteEntry e : general) {
            add(cat, e, e.role().wire(), out, skipped);
        }
    }

    /**
     * No entry is marked quick: approximate "quick" by cheapest output (per token, or per image for image models),
     * then smallest window (smaller model).
     */
    private static void addCheapestFirst(Catalog cat, List<RouteEntry> general, List<Candidate> out,
                                         List<Skipped> skipped) {
        List<Candidate> sorted = new ArrayList<>(general.size());
        for (RouteEntry e : general) {
            add(cat, e, e.role().wire(), sorted, skipped);
        }
        sorted.sort(CHEAPEST_FIRST); // stable: ties keep configured order
        for (int i = 0; i < sorted.size(); i++) {
            Candidate c = sorted.get(i);
            out.add(new Candidate(c.model(), c.role(), i == 0 ? "cheapest (quick)" : "next cheapest (quick)"));
        }
    }

    private static boolean isGeneral(Role r) {
        return r == Role.PRIMARY || r == Role.FALLBACK;
    }

    /**
     * Appends the entry's model as a candidate. The catalog guarantees every entry names a known model, except
     * ids in a discovery namespace: those are skipped, with the reason, until their engine lists them.
     */
    private static void add(Catalog cat, RouteEntry e, String reason, List<Candidate> out, List<Skipped> skipped) {
        ModelSpec m = cat.model(e.modelId()).orElse(null);
        if (m != null) {
            out.add(new Candidate(m, e.role(), reason));
        } else if (skipped.stream().noneMatch(s -> s.modelId().equals(e.modelId()))) {
            String engine = e.modelId().substring(0, Math.max(0, e.modelId().indexOf('/')));
            skipped.add(new Skipped(e.modelId(), "not discovered: engine '" + engine + "' has not listed it"));
        }
    }

    private static boolean seenBefore(List<Candidate> ordered, int index) {
        String id = ordered.get(index).model().id();
        for (int j = 0; j < index; j++) {
            if (ordered.get(j).model().id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static Set<Capability> requiredCapabilities(ChatRequest request) {
        Set<Capability> required = EnumSet.noneOf(Capability.class);
        if (request.wantsTools()) {
            required.add(Capability.TOOLS);
        }
        if (request.wantsJson()) {
            required.add(Capability.JSON);
        }
        if (request.hasImages()) {
            required.add(Capability.VISION);
        }
        if (request.stream()) {
            required.add(Capability.STREAMING);
        }
        return required;
    }

    private static Capability firstMissing(ModelSpec m, Set<Capability> required) {
        for (Capability c : required) {
            if (!m.can(c)) {
                return c;
            }
        }
        return null;
    }

    static String wire(Capability c) {
        return c.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The request parameter that asked for the capability, for the OpenAI error's {@code param}. */
    private static String paramOf(Capability c) {
        return switch (c) {
            case TOOLS -> "tools";
            case JSON -> "response_format";
            case VISION -> "messages";
            case STREAMING -> "stream";
        };
    }

    private static String allowingTier(Set<String> tiers, java.util.function.Predicate<String> allows) {
        if (allows.test(PREFERRED_UPGRADE_TIER)) {
            return PREFERRED_UPGRADE_TIER;
        }
        for (String t : new TreeSet<>(tiers)) { // sorted: the same answer every time
            if (allows.test(t)) {
                return t;
            }
        }
        return null;
    }

    private static String upgradeHint(String allowing) {
        return allowing == null ? "." : "; tier '" + allowing + "' includes it.";
    }

    private static RoutingException noCandidate(int furthestStage, ChatRequest request, RouteContext ctx,
                                                String routeAlias, Set<Capability> required,
                                                List<Candidate> ordered, int prompt, int completion, int needed,
                                                int largestWindow, List<Skipped> skipped) {
        String where = "route '" + routeAlias + "' for tier '" + ctx.tier() + "'";
        return switch (furthestStage) {
            case DROPPED_ENGINE -> enginesDown(routeAlias, ctx.tier(), skipped);
            case DROPPED_CONTEXT -> new RoutingException(RoutingException.Reason.CONTEXT_LENGTH_EXCEEDED,
                    "This request needs about " + needed + " tokens (prompt ~" + prompt
                            + (request.maxTokens() != null ? " + max_tokens " : " + at least ") + completion
                            + (request.maxTokens() != null ? "" : " for the answer")
                            + "), but the largest model available to tier '" + ctx.tier() + "' on route '"
                            + routeAlias + "'" + (ctx.localOnly() ? " (local only)" : "") + " holds "
                            + largestWindow + " tokens. Please reduce the length of the messages"
                            + (request.maxTokens() != null ? " or max_tokens." : "."),
                    "messages", null);
            case DROPPED_PRIVACY -> new RoutingException(RoutingException.Reason.NO_LOCAL_ENGINE,
                    "This request must stay local (offline, cloud unreachable, or x-aideon-privacy: local_only), but no "
                            + "local engine on " + where + " can serve it. " + installHint(Modality.TEXT), null, null);
            case DROPPED_CAPABILITY -> capabilityError(required, ordered, where);
            default -> new RoutingException(RoutingException.Reason.NO_CAPABLE_MODEL,
                    "The " + where + " has no chat model (it serves "
                            + ordered.get(0).model().modality().name().toLowerCase(java.util.Locale.ROOT)
                            + "); use a text, code or vision route for chat completions.", "model", null);
        };
    }

    /** Every candidate that could serve the request sits on an engine its health probe found down or loading. */
    private static RoutingException enginesDown(String routeAlias, String tier, List<Skipped> skipped) {
        List<String> reasons = new ArrayList<>();
        for (Skipped s : skipped) {
            if (s.reason().startsWith("engine ")) {
                reasons.add(s.modelId() + " (" + s.reason() + ")");
            }
        }
        return new RoutingException(RoutingException.Reason.NO_HEALTHY_CANDIDATE, "Every model that could serve this "
                + "request on route '" + routeAlias + "' for tier '" + tier + "' runs on a local engine that is not "
                + "ready: " + String.join("; ", reasons) + ". Try again when the engine is up.", null, null);
    }

    /** The route names only local-engine models that no discovery has listed. */
    private static RoutingException nothingDiscovered(String routeAlias, String tier, List<Skipped> skipped) {
        List<String> ids = new ArrayList<>();
        for (Skipped s : skipped) {
            ids.add(s.modelId());
        }
        return new RoutingException(RoutingException.Reason.NO_HEALTHY_CANDIDATE, "Route '" + routeAlias
                + "' for tier '" + tier + "' names only models that their local engines have not listed (yet): "
                + String.join(", ", ids) + ". Is the engine running and the model pulled?", null, null);
    }

    /** Names a capability no candidate has, or says the combination is what nobody offers. */
    private static RoutingException capabilityError(Set<Capability> required, List<Candidate> ordered,
                                                    String where) {
        for (Capability c : required) {
            boolean anyHas = false;
            for (Candidate cand : ordered) {
                anyHas |= cand.model().can(c);
            }
            if (!anyHas) {
                return new RoutingException(RoutingException.Reason.NO_CAPABLE_MODEL,
                        "No model on " + where + " supports " + wire(c) + ", which this request needs (" + paramOf(c)
                                + ").", paramOf(c), null);
            }
        }
        List<String> names = new ArrayList<>();
        for (Capability c : required) {
            names.add(wire(c));
        }
        Capability first = required.iterator().next();
        return new RoutingException(RoutingException.Reason.NO_CAPABLE_MODEL,
                "No model on " + where + " supports " + String.join(" + ", names)
                        + " together, which this request needs.", paramOf(first), null);
    }
}
