package ai.aideon.core.route;

import ai.aideon.testkit.ManualClock;
import ai.aideon.core.api.ChatMessage;
import ai.aideon.core.api.ChatRequest;
import ai.aideon.core.api.ContentPart;
import ai.aideon.core.api.Modality;
import ai.aideon.core.api.ResponseFormat;
import ai.aideon.core.api.Role;
import ai.aideon.core.api.Source;
import ai.aideon.core.api.ToolSpec;
import ai.aideon.core.catalog.Capability;
import ai.aideon.core.catalog.Catalog;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Price;
import ai.aideon.core.catalog.Route;
import ai.aideon.core.catalog.RouteEntry;
import ai.aideon.core.provider.ProviderException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static ai.aideon.core.route.Fixtures.ALL_CAPS;
import static ai.aideon.core.route.Fixtures.ALL_TIERS;
import static ai.aideon.core.route.Fixtures.ask;
import static ai.aideon.core.route.Fixtures.cloud;
import static ai.aideon.core.route.Fixtures.entry;
import static ai.aideon.core.route.Fixtures.local;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RouterTest {

    // Local 8k model without tools; two Together fallbacks (8k cheap, 32k dearer); role-specific entries.
    static final ModelSpec LOCAL_8B = local("local/llama3.1-8b", 8192, EnumSet.of(Capability.STREAMING, Capability.JSON));
    static final ModelSpec TOGETHER_8B = cloud("together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", 8192,
            "0.18", ALL_CAPS, ALL_TIERS);
    static final ModelSpec TOGETHER_70B = cloud("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", 32768,
            "0.88", ALL_CAPS, ALL_TIERS);
    static final ModelSpec TOGETHER_405B = cloud("together", "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo", 32768,
            "3.50", ALL_CAPS, Set.of("premium"));
    static final ModelSpec QUICK_3B = cloud("together", "meta-llama/Llama-3.2-3B-Instruct-Turbo", 8192, "0.06",
            ALL_CAPS, ALL_TIERS);
    static final ModelSpec QUALITY_DEEPSEEK = cloud("together", "deepseek-ai/DeepSeek-V3", 32768, "1.25", ALL_CAPS,
            ALL_TIERS);
    static final ModelSpec CODER = cloud("together", "Qwen/Qwen2.5-Coder-32B-Instruct", 32768, "0.80", ALL_CAPS,
            Set.of("premium"));
    static final ModelSpec LOCAL_32K = local("local/qwen2.5-14b", 32768, EnumSet.of(Capability.STREAMING));
    static final ModelSpec FLUX = new ModelSpec("black-forest-labs/FLUX.1-schnell", "together",
            "black-forest-labs/FLUX.1-schnell", Modality.IMAGE, Source.CLOUD, Set.of(), 0, Price.FREE, ALL_TIERS,
            "image");
    static final ModelSpec ORPHAN = cloud("together", "mistralai/Mixtral-8x7B-Instruct-v0.1", 32768, "0.60",
            ALL_CAPS, ALL_TIERS);

    static final Route TEXT = new Route("aideon/text", Modality.TEXT, "text", Map.of(
            "free", List.of(entry(LOCAL_8B, Role.PRIMARY), entry(TOGETHER_8B, Role.FALLBACK),
                    entry(TOGETHER_70B, Role.FALLBACK), entry(QUICK_3B, Role.QUICK),
                    entry(QUALITY_DEEPSEEK, Role.QUALITY), entry(TOGETHER_405B, Role.CRITICAL))));
    static final Route CODE = new Route("aideon/code", Modality.CODE, "code", Map.of(
            "premium", List.of(entry(CODER, Role.PRIMARY))));
    static final Route ENTERPRISE = new Route("aideon/enterprise", Modality.TEXT, "only for enterprise", Map.of(
            "enterprise", List.of(entry(TOGETHER_405B, Role.PRIMARY))));
    /** No quick entry: quick must pick by price. Configured order is deliberately not price order. */
    static final Route CHEAP = new Route("aideon/cheap", Modality.TEXT, "cheap", Map.of(
            "free", List.of(entry(TOGETHER_70B, Role.PRIMARY), entry(TOGETHER_8B, Role.FALLBACK),
                    entry(LOCAL_32K, Role.FALLBACK), entry(LOCAL_8B, Role.FALLBACK))));
    static final Route CLOUD_ONLY = new Route("aideon/cloud", Modality.TEXT, "cloud", Map.of(
            "free", List.of(entry(TOGETHER_8B, Role.PRIMARY))));
    static final Route LOCAL_ONLY_NO_TOOLS = new Route("aideon/offline", Modality.TEXT, "offline", Map.of(
            "free", List.of(entry(LOCAL_8B, Role.PRIMARY), entry(LOCAL_32K, Role.FALLBACK))));
    static final Route IMAGE = new Route("aideon/image", Modality.IMAGE, "images", Map.of(
            "free", List.of(entry(FLUX, Role.PRIMARY))));

    static final Catalog CATALOG = new Catalog(
            List.of(LOCAL_8B, TOGETHER_8B, TOGETHER_70B, TOGETHER_405B, QUICK_3B, QUALITY_DEEPSEEK, CODER, LOCAL_32K,
                    FLUX, ORPHAN),
            List.of(TEXT, CODE, ENTERPRISE, CHEAP, CLOUD_ONLY, LOCAL_ONLY_NO_TOOLS, IMAGE));

    private final Router router = new Router(() -> CATALOG, HealthView.alwaysAvailable(), RouterSettings.defaults());

    private static List<String> ids(RoutePlan plan) {
        return plan.candidates().stream().map(c -> c.model().id()).toList();
    }

    private static List<String> reasons(RoutePlan plan) {
        return plan.candidates().stream().map(Candidate::reason).toList();
    }

    private static RouteContext free(Role role) {
        return new RouteContext("free", role, false);
    }

    @Nested
    class ResolvingTheModel {
        @Test
        void aliasUsesTheTiersPlanInConfiguredOrderWithoutRoleEntries() throws Exception {
            RoutePlan plan = router.plan(ask("aideon/text", "hi"), RouteContext.of("free"));

            assertThat(ids(plan)).containsExactly(LOCAL_8B.id(), TOGETHER_8B.id(), TOGETHER_70B.id());
            assertThat(reasons(plan)).containsExactly("primary", "fallback", "fallback");
            assertThat(plan.routeAlias()).isEqualTo("aideon/text");
            assertThat(plan.requested()).isEqualTo("aideon/text");
            assertThat(plan.role()).isEqualTo(Role.PRIMARY);
            assertThat(plan.skipped()).isEmpty();
        }

        @Test
        void concreteModelComesFirstThenItsHomeRouteAsFallbacksWithoutRepeatingItself() throws Exception {
            RoutePlan plan = router.plan(ask(TOGETHER_70B.id(), "hi"), RouteContext.of("free"));

            assertThat(ids(plan)).containsExactly(TOGETHER_70B.id(), LOCAL_8B.id(), TOGETHER_8B.id());
            assertThat(reasons(plan)).containsExactly("requested", "primary", "fallback");
            assertThat(plan.routeAlias()).isEqualTo("aideon/text");
            assertThat(plan.requested()).isEqualTo(TOGETHER_70B.id());
        }

        @Test
        void concreteModelWithoutHomeRouteIsPlannedAloneUnderItsOwnId() throws Exception {
            RoutePlan plan = router.plan(ask(ORPHAN.id(), "hi"), RouteContext.of("free"));

            assertThat(ids(plan)).containsExactly(ORPHAN.id());
            assertThat(plan.routeAlias()).isEqualTo(ORPHAN.id());
        }

        @Test
        void unknownModelIsModelNotFoundPointingAtTheModelList() {
            RoutingException e = catchThrowableOfType(RoutingException.class,
                    () -> router.plan(ask("gpt-17", "hi"), RouteContext.of("free")));

            assertThat(e.reason()).isEqualTo(RoutingException.Reason.MODEL_NOT_FOUND);
            assertThat(e.param()).isEqualTo("model");
            assertThat(e.getMessage()).contains("'gpt-17'").contains("GET /v1/models");
        }

        @Test
        void chatOnAnImageRouteIsNoCapableModel() {
            RoutingException e = catchThrowableOfType(RoutingException.class,
                    () -> router.plan(ask("aideon/image", "hi"), RouteContext.of("free")));

            assertThat(e.reason()).isEqualTo(RoutingException.Reason.NO_CAPABLE_MODEL);
            assertThat(e.param()).isEqualTo("model");
            assertThat(e.getMessage()).contains("image");
        }

        @Test
        void aModelsHomeRouteIsTheFirstDeclaredRouteThatMentionsIt() {
            // TOGETHER_8B is in TEXT, CHEAP and CLOUD_ONLY: TEXT is declared first. CODER only in CODE's premium plan.
            assertThat(CATALOG.homeRouteOf(TOGETHER_8B.id())).contains(TEXT);
            assertThat(CATALOG.homeRouteOf(LOCAL_32K.id())).contains(CHEAP);
            assertThat(CATALOG.homeRouteOf(CODER.id())).contains(CODE);
            assertThat(CATALOG.homeRouteOf(ORPHAN.id())).isEmpty();
            assertThat(CATALOG.homeRouteOf("aideon/text")).isEmpty(); // an alias is not a model
        }

        @Test
        void aModelListedTwiceAppearsOnceAtItsFirstPosition() throws Exception {
            Route twice = new Route("aideon/twice", Modality.TEXT, "", Map.of("free", List.of(
                    entry(LOCAL_8B, Role.PRIMARY), entry(TOGETHER_8B, Role.FALLBACK), entry(LOCAL_8B, Role.FALLBACK))));
            Catalog cat = new Catalog(List.of(LOCAL_8B, TOGETHER_8B), List.of(twice));
            Router r = new Router(() -> cat, HealthView.alwaysAvailable(), RouterSettings.defaults());

            assertThat(ids(r.plan(ask("aideon/twice", "hi"), RouteContext.of("free"))))
                    .containsExactly(LOCAL_8B.id(), TOGETHER_8B.id());
            assertThat(ids(r.plan(ask(TOGETHER_8B.id(), "hi"), RouteContext.of("free"))))
                    .containsExactly(TOGETHER_8B.id(), LOCAL_8B.id());
        }
    }

    @Nested
    class TierAccess {
        @Test
        void aliasWithoutPlanForTheTierNamesPremiumAsTheAllowingTier() {
            RoutingException e = catchThrowableOfType(RoutingException.class,
                    () -> router.plan(ask("aideon/code", "hi"), RouteContext.of("free")));

            assertThat(e.reason()).isEqualTo(RoutingException.Reason.TIER_NOT_ALLOWED);
            assertThat(e.allowingTier()).isEqualTo("premium");
            assertThat(e.getMessage()).contains("aideon/code").contains("'free'");
        }

        @Test
        void allowingTierIsWhicheverTierHasAPlanWhenPremiumDoesNot() {
            RoutingException e = catchThrowableOfType(RoutingException.class,
                    () -> router.plan(ask("aideon/enterprise", "hi"), RouteContext.of("premium")));

            assertThat(e.reason()).isEqualTo(RoutingException.Reason.TIER_NOT_ALLOWED);
            assertThat(e.allowingTier()).isEqualTo("enterprise");
        }

        @Test
        void concreteModelOutsideTheTierIsRefusedWithTheTierThatAllowsIt() {
            RoutingException e = catchThrowableOfType(RoutingException.class,
                    () -> router.plan(ask(TOGETHER_405B.id(), "hi"), RouteContext.of("free")));

            assertThat(e.reason()).isEqualTo(RoutingException.Reason.TIER_NOT_ALLOWED);
            assertThat(e.allowingTier()).isEqualTo("premium");
            assertThat(e.param()).isEqualTo("model");
        }
    }

    @Nested
    class Roles {
        @Test
        void fallbackRoleStartsAtTheFallbacksAndMovesPrimariesLast() throws Exception {
            RoutePlan plan = router.plan(ask("aideon/text", "hi"), free(Role.FALLBACK));

            assertThat(ids(plan)).containsExactly(TOGETHER_8B.id(), TOGETHER_70B.id(), LOCAL_8B.id());
            assertThat(reasons(plan).get(2)).contains("primary").contains("role=fallback");
            assertThat(plan.role()).isEqualTo(Role.FALLBACK);
        }

        @Test
        void criticalRolePutsCriticalEntriesFirstThenTheGeneralPlan() throws Exception {
            RoutePlan plan = router.plan(ask("aideon/text", "hi"), free(Role.CRITICAL));

            assertThat(ids(plan)).containsExactly(TOGETHER_405B.id(), LOCAL_8B.id(), TOGETHER_8B.id(),
                    TOGETHER_70B.id());
            assertThat(reasons(plan)).containsExactly("role=critical", "primary", "fallback", "fallback");
            assertThat(plan.candidates().get(0).role()).isEqualTo(Role.CRITICAL);
        }

        @Test
        void qualityRolePutsQualityEntriesFirst() throws Exception {
            RoutePlan plan = router.plan(ask("aideon/text", "hi"), free(Role.QUALITY));

            assertThat(ids(plan)).startsWith(QUALITY_DEEPSEEK.id(), LOCAL_8B.id());
            assertThat(plan.role()).isEqualTo(Role.QUALITY);
        }

        @Test
        void quickRoleUsesTheQuickEntryFirstWhenThereIsOne() throws Exception {
            RoutePlan plan = router.plan(ask("aideon/text", "hi"), free(Role.QUICK));

            assertThat(ids(plan)).containsExactly(QUICK_3B.id(), LOCAL_8B.id(), TOGETHER_8B.id(), TOGETHER_70B.id());
            assertThat(reasons(plan).get(0)).isEqualTo("role=quick");
        }

        @Test
        void quickRoleWithoutQuickEntryOrdersByOutputPriceThenSmallerWindow() throws Exception {
            RoutePlan plan = router.plan(ask("aideon/cheap", "hi"), free(Role.QUICK));

            // both locals are free: the 8k one counts as smaller; then $0.18, then $0.88
            assertThat(ids(plan)).containsExactly(LOCAL_8B.id(), LOCAL_32K.id(), TOGETHER_8B.id(), TOGETHER_70B.id());
            assertThat(reasons(plan).get(0)).isEqualTo("cheapest (quick)");
            assertThat(reasons(plan).get(1)).contains("quick");
        }

        @Test
        void roleWithoutMatchingEntriesKeepsTheConfiguredOrder() throws Exception {
            RoutePlan plan = router.plan(ask("aideon/text", "hi"), free(Role.COMPLEX));

            assertThat(ids(plan)).containsExactly(LOCAL_8B.id(), TOGETHER_8B.id(), TOGETHER_70B.id());
            assertThat(plan.role()).isEqualTo(Role.COMPLEX);
        }

        @Test
        void metadataSelectsTheRoleWhenTheContextHasNone() throws Exception {
            ChatRequest viaMetadata = new ChatRequest("aideon/text", List.of(ChatMessage.of("user", "hi")), false,
                    false, null, null, null, null, null, 1, null, null, null, null, null,
                    Map.of("aideon_role", "Critical"), false);

            assertThat(router.plan(viaMetadata, RouteContext.of("free")).role()).isEqualTo(Role.CRITICAL);
            // the header (context) wins over metadata
            assertThat(router.plan(viaMetadata, free(Role.QUICK)).role()).isEqualTo(Role.QUICK);
        }
    }

    @Nested
    class Capabilities {
        @Test
        void toolsSkipModelsWithoutToolSupportAndSayWhy() throws Exception {
            RoutePlan plan = router.plan(withTools(ask("aideon/text", "weather?")), RouteContext.of("free"));

            assertThat(ids(plan)).containsExactly(TOGETHER_8B.id(), TOGETHER_70B.id());
            assertThat(plan.skipped()).containsExactly(new Skipped(LOCAL_8B.id(), "lacks tools"));
        }

        @Test
        void noModelWithToolsIsNoCapableModelNamingTools() {
            RoutingException e = catchThrowableOfType(RoutingException.class,
                    () -> router.plan(withTools(ask("aideon/offline", "weather?")), RouteContext.of("free")));

            assertThat(e.reason()).isEqualTo(RoutingException.Reason.NO_CAPABLE_MODEL);
            assertThat(e.param()).isEqualTo("tools");
            assertThat(e.getMessage()).contains("tools");
        }

        @Test
        void imagesNeedVisionAndJsonNeedsJson() throws Exception {
            ChatRequest withImage = ChatRequest.of("aideon/offline", List.of(new ChatMessage("user",
                    List.of(new ContentPart.Text("what is this?"), new ContentPart.Image("https://x/y.png", null)),
                    null, null, null, null)));
            RoutingException e = catchThrowableOfType(RoutingException.class,
                    () -> router.plan(withImage, RouteContext.of("free")));
            assertThat(e.reason()).isEqualTo(RoutingException.Reason.NO_CAPABLE_MODEL);
            assertThat(e.getMessage()).contains("vision");

            ChatRequest json = new ChatRequest("aideon/offline", List.of(ChatMessage.of("user", "json please")),
                    false, false, null, null, null, null, null, 1, null, null, null, ResponseFormat.jsonObject(),
                    null, null, false);
            RoutePlan plan = router.plan(json, RouteContext.of("free"));
            assertThat(ids(plan)).containsExactly(LOCAL_8B.id());
            assertThat(plan.skipped()).containsExactly(new Skipped(LOCAL_32K.id(), "lacks json"));
        }

        private static ChatRequest withTools(ChatRequest r) {
            return new ChatRequest(r.model(), r.messages(), false, false, null, null, null, null, null, 1,
                    List.of(new ToolSpec("get_weather", "weather", "{\"type\":\"object\"}", null)), null, null,
                    null, null, null, false);
        }
    }

    @Nested
    class ContextFit {
        @Test
        void aNineThousandTokenPromptSkipsEightKModelsAndLandsOnThirtyTwoK() throws Exception {
            RoutePlan plan = router.plan(ask("aideon/text", "word ".repeat(8000)), RouteContext.of("free"));

            int needed = plan.promptTokens() + RouterSettings.defaults().minCompletionTokens();
            assertThat(plan.promptTokens()).isBetween(8_500, 9_500); // 8000 words + 10% + 16 margin
            assertThat(ids(plan)).containsExactly(TOGETHER_70B.id());
            assertThat(plan.skipped()).containsExactly(
                    new Skipped(LOCAL_8B.id(), "context 8192 < " + needed + " needed"),
                    new Skipped(TOGETHER_8B.id(), "context 8192 < " + needed + " needed"));
        }

        @Test
        void maxTokensCountsTowardsTheWindow() throws Exception {
            ChatRequest r = new ChatRequest("aideon/text", List.of(ChatMessage.of("user", "write a novel")), false,
                    false, 9000, null, null, null, null, 1, null, null, null, null, null, null, false);

            assertThat(ids(router.plan(r, RouteContext.of("free")))).containsExactly(TOGETHER_70B.id());
        }

        @Test
        void aPromptThatFitsNothingIsContextLengthExceededNamingTheLargestWindow() {
            RoutingException e = catchThrowableOfType(RoutingException.class,
                    () -> router.plan(ask("aideon/text", "word ".repeat(40_000)), RouteContext.of("free")));

            assertThat(e.reason()).isEqualTo(RoutingException.Reason.CONTEXT_LENGTH_EXCEEDED);
            assertThat(e.param()).isEqualTo("messages");
            assertThat(e.getMessage())
                    .startsWith("This request needs about ")
                    .contains("prompt ~")
                    .contains("tier 'free' on route 'aideon/text' holds 32768 tokens");
        }
    }

    @Nested
    class Privacy {
        @Test
        void localOnlyKeepsOnlyLocalEngines() throws Exception {
            RoutePlan plan = router.plan(ask("aideon/text", "secret"), new RouteContext("free", null, true));

            assertThat(ids(plan)).containsExactly(LOCAL_8B.id());
            assertThat(plan.skipped()).extracting(Skipped::reason).containsOnly("local_only");
        }

        @Test
        void localOnlyOnACloudOnlyRouteIsNoLocalEngine() {
            assertThatThrownBy(() -> router.plan(ask("aideon/cloud", "secret"),
                    new RouteContext("free", null, true)))
                    .isInstanceOfSatisfying(RoutingException.class,
                            e -> assertThat(e.reason()).isEqualTo(RoutingException.Reason.NO_LOCAL_ENGINE));
        }
    }

    @Nested
    class Health {
        @Test
        void openBreakersMoveToTheEndWithTheReasonSaid() throws Exception {
            HealthView localDown = view(Set.of(LOCAL_8B.id()));
            Router r = new Router(() -> CATALOG, localDown, RouterSettings.defaults());

            RoutePlan plan = r.plan(ask("aideon/text", "hi"), RouteContext.of("free"));

            assertThat(ids(plan)).containsExactly(TOGETHER_8B.id(), TOGETHER_70B.id(), LOCAL_8B.id());
            assertThat(reasons(plan).get(2)).isEqualTo("primary (breaker open)");
        }

        @Test
        void whenEveryCandidateIsOpenTheyStayInOrder() throws Exception {
            HealthView allDown = view(Set.of(LOCAL_8B.id(), TOGETHER_8B.id(), TOGETHER_70B.id()));
            Router r = new Router(() -> CATALOG, allDown, RouterSettings.defaults());

            RoutePlan plan = r.plan(ask("aideon/text", "hi"), RouteContext.of("free"));

            assertThat(ids(plan)).containsExactly(LOCAL_8B.id(), TOGETHER_8B.id(), TOGETHER_70B.id());
            assertThat(reasons(plan)).allMatch(reason -> reason.endsWith("(breaker open)"));
        }

        @Test
        void aRealRegistryMovesAFailingModelBackOnceTheOpenWaitHasPassed() throws Exception {
            ManualClock clock = new ManualClock();
            HealthRegistry registry = new HealthRegistry(clock);
            Router r = new Router(() -> CATALOG, registry, RouterSettings.defaults());
            ProviderException down = Fixtures.status(ProviderException.Kind.UNAVAILABLE, 503);
            for (int i = 0; i < 5; i++) {
                assertThat(registry.tryAcquire(LOCAL_8B)).isTrue();
                registry.onFailure(LOCAL_8B, 1_000_000, down);
            }

            assertThat(ids(r.plan(ask("aideon/text", "hi"), RouteContext.of("free")))).endsWith(LOCAL_8B.id());

            clock.advance(Duration.ofSeconds(30).plusMillis(1));
            assertThat(ids(r.plan(ask("aideon/text", "hi"), RouteContext.of("free")))).startsWith(LOCAL_8B.id());
        }

        @Test
        void aProbedDownEngineIsSkippedBeforeAnyAttemptWithTheProbesWords() throws Exception {
            ManualClock clock = new ManualClock();
            HealthRegistry registry = new HealthRegistry(clock);
            registry.reportEngine("local", EngineState.DOWN, "connection refused");
            Router r = new Router(() -> CATALOG, registry, RouterSettings.defaults());

            RoutePlan plan = r.plan(ask("aideon/text", "hi"), RouteContext.of("free"));

            // Dropped, not moved last like an open breaker: the executor never calls it.
            assertThat(ids(plan)).containsExactly(TOGETHER_8B.id(), TOGETHER_70B.id());
            assertThat(plan.skipped()).containsExactly(
                    new Skipped(LOCAL_8B.id(), "engine down: connection refused"));

            registry.reportEngine("local", EngineState.UP, null);
            assertThat(ids(r.plan(ask("aideon/text", "hi"), RouteContext.of("free")))).startsWith(LOCAL_8B.id());
        }

        @Test
        void whenOnlyALoadingEngineCouldServeTheErrorSaysSo() {
            HealthRegistry registry = new HealthRegistry(new ManualClock());
            registry.reportEngine("local", EngineState.LOADING, "Loading model");
            Router r = new Router(() -> CATALOG, registry, RouterSettings.defaults());

            RoutingException e = catchThrowableOfType(RoutingException.class,
                    () -> r.plan(ask("aideon/offline", "hi"), RouteContext.of("free")));

            assertThat(e.reason()).isEqualTo(RoutingException.Reason.NO_HEALTHY_CANDIDATE);
            assertThat(e.getMessage()).contains(LOCAL_8B.id() + " (engine loading: Loading model)")
                    .contains("'aideon/offline'");
        }

        @Test
        void nonChatPlansSkipADownEngineToo() throws Exception {
            ModelSpec localStt = new ModelSpec("whisper/base", "whisper", "base", Modality.STT, Source.LOCAL,
                    Set.of(), 0, Price.FREE, ALL_TIERS, "stt");
            ModelSpec cloudStt = new ModelSpec("openai/whisper-large-v3", "together", "openai/whisper-large-v3",
                    Modality.STT, Source.CLOUD, Set.of(), 0, Price.FREE, ALL_TIERS, "stt");
            Catalog cat = new Catalog(List.of(localStt, cloudStt), List.of(new Route("aideon/stt", Modality.STT, "",
                    Map.of("free", List.of(entry(localStt, Role.PRIMARY), entry(cloudStt, Role.FALLBACK))))));
            HealthRegistry registry = new HealthRegistry(new ManualClock());
            registry.reportEngine("whisper", EngineState.DOWN, "timed out");
            Router r = new Router(() -> cat, registry, RouterSettings.defaults());

            RoutePlan plan = r.planModality("aideon/stt", Modality.STT, null, RouteContext.of("free"));
            assertThat(ids(plan)).containsExactly(cloudStt.id());
            assertThat(plan.skipped()).containsExactly(new Skipped(localStt.id(), "engine down: timed out"));

            RoutingException e = catchThrowableOfType(RoutingException.class, () -> r.planModality("aideon/stt",
                    Modality.STT, null, new RouteContext("free", null, true)));
            assertThat(e.reason()).isEqualTo(RoutingException.Reason.NO_HEALTHY_CANDIDATE);
        }

        private static HealthView view(Set<String> open) {
            return new HealthView() {
                @Override
                public boolean isAvailable(ModelSpec m) {
                    return !open.contains(m.id());
                }

                @Override
                public String state(ModelSpec m) {
                    return open.contains(m.id()) ? "open" : "closed";
                }
            };
        }
    }

    @Nested
    class Discovery {
        final ModelSpec discovered = new ModelSpec("ollama/llama3.2:3b", "ollama", "llama3.2:3b", Modality.TEXT,
                Source.LOCAL, ALL_CAPS, 131072, Price.FREE, ALL_TIERS, null);
        final Route route = new Route("aideon/home", Modality.TEXT, "", Map.of("free", List.of(
                new RouteEntry("ollama/qwen3:8b", Role.PRIMARY), new RouteEntry(discovered.id(), Role.FALLBACK),
                entry(TOGETHER_8B, Role.FALLBACK))));

        @Test
        void theCatalogAcceptsUnlistedIdsOnlyInADiscoveryNamespace() {
            assertThatThrownBy(() -> new Catalog(List.of(TOGETHER_8B), List.of(route)))
                    .hasMessageContaining("unknown model ollama/qwen3:8b");
            Catalog cat = new Catalog(List.of(TOGETHER_8B, discovered), List.of(route), Set.of("ollama"));
            assertThat(cat.discoverable("ollama/qwen3:8b")).isTrue();
            assertThat(cat.discoverable("together/qwen3:8b")).isFalse();
        }

        @Test
        void aRouteEntryNotDiscoveredYetIsSkippedWithTheReason() throws Exception {
            Catalog cat = new Catalog(List.of(TOGETHER_8B, discovered), List.of(route), Set.of("ollama"));
            Router r = new Router(() -> cat, HealthView.alwaysAvailable(), RouterSettings.defaults());

            RoutePlan plan = r.plan(ask("aideon/home", "hi"), RouteContext.of("free"));

            assertThat(ids(plan)).containsExactly(discovered.id(), TOGETHER_8B.id());
            assertThat(plan.skipped()).containsExactly(
                    new Skipped("ollama/qwen3:8b", "not discovered: engine 'ollama' has not listed it"));
        }

        @Test
        void aRouteOfOnlyUndiscoveredModelsIsAServiceErrorNamingThem() {
            Route onlyPending = new Route("aideon/pending", Modality.TEXT, "", Map.of("free",
                    List.of(new RouteEntry("ollama/qwen3:8b", Role.PRIMARY))));
            Catalog cat = new Catalog(List.of(TOGETHER_8B), List.of(onlyPending), Set.of("ollama"));
            Router r = new Router(() -> cat, HealthView.alwaysAvailable(), RouterSettings.defaults());

            RoutingException chat = catchThrowableOfType(RoutingException.class,
                    () -> r.plan(ask("aideon/pending", "hi"), RouteContext.of("free")));
            assertThat(chat.reason()).isEqualTo(RoutingException.Reason.NO_HEALTHY_CANDIDATE);
            assertThat(chat.getMessage()).contains("ollama/qwen3:8b").contains("not listed");

            RoutingException embed = catchThrowableOfType(RoutingException.class,
                    () -> r.planModality("aideon/pending", Modality.EMBED, null, RouteContext.of("free")));
            assertThat(embed.reason()).isEqualTo(RoutingException.Reason.NO_HEALTHY_CANDIDATE);
        }
    }

    @Test
    void entriesAreResolvedAgainstTheCatalogSnapshotOfTheCall() throws Exception {
        // The supplier is read once per plan: a reload between plans changes the next plan, not a running one.
        Catalog[] current = {CATALOG};
        Router r = new Router(() -> current[0], HealthView.alwaysAvailable(), RouterSettings.defaults());
        assertThat(ids(r.plan(ask("aideon/cloud", "hi"), RouteContext.of("free")))).containsExactly(TOGETHER_8B.id());

        current[0] = new Catalog(List.of(TOGETHER_70B), List.of(new Route("aideon/cloud", Modality.TEXT, "",
                Map.of("free", List.<RouteEntry>of(entry(TOGETHER_70B, Role.PRIMARY))))));
        assertThat(ids(r.plan(ask("aideon/cloud", "hi"), RouteContext.of("free")))).containsExactly(TOGETHER_70B.id());
    }

    @Nested
    class ImagePlans {
        private ModelSpec image(String id, String usdPerImage, Set<String> tiers) {
            return new ModelSpec(id, "together", id, Modality.IMAGE, Source.CLOUD, Set.of(), 0,
                    new Price(null, null, new java.math.BigDecimal(usdPerImage), null, null, null), tiers, id);
        }

        private final ModelSpec sdxl = image("sdxl", "0.0019", ALL_TIERS);
        private final ModelSpec sd15 = image("sd15", "0.0010", ALL_TIERS);
        private final ModelSpec turbo = image("turbo", "0.0010", Set.of("premium"));
        private final ModelSpec playground = image("playground", "0.0050", Set.of("premium"));
        private final Router images = new Router(() -> new Catalog(List.of(sdxl, sd15, turbo, playground),
                List.of(new Route("aideon/image", Modality.IMAGE, "images", Map.of(
                        "free", List.of(entry(sdxl, Role.PRIMARY), entry(sd15, Role.FALLBACK)),
                        "premium", List.of(entry(sdxl, Role.PRIMARY), entry(sd15, Role.FALLBACK),
                                entry(turbo, Role.QUICK), entry(playground, Role.QUALITY)))))),
                HealthView.alwaysAvailable(), RouterSettings.defaults());

        @Test
        void quickAndQualityEntriesGoFirstForTheirRoles() throws Exception {
            assertThat(ids(images.planModality("aideon/image", Modality.IMAGE, null,
                    new RouteContext("premium", Role.QUICK, false)))).containsExactly("turbo", "sdxl", "sd15");
            assertThat(ids(images.planModality("aideon/image", Modality.IMAGE, null,
                    new RouteContext("premium", Role.QUALITY, false)))).containsExactly("playground", "sdxl", "sd15");
        }

        @Test
        void quickWithoutAQuickEntryPicksTheCheapestImageFirst() throws Exception {
            RoutePlan plan = images.planModality("aideon/image", Modality.IMAGE, null,
                    new RouteContext("free", Role.QUICK, false));
            assertThat(ids(plan)).containsExactly("sd15", "sdxl");
            assertThat(reasons(plan).get(0)).isEqualTo("cheapest (quick)");
        }

        @Test
        void localOnlyHasNoImageEngineAndSaysSo() {
            RoutingException e = catchThrowableOfType(RoutingException.class, () -> images.planModality(
                    "aideon/image", Modality.IMAGE, null, new RouteContext("free", null, true)));
            assertThat(e.reason()).isEqualTo(RoutingException.Reason.NO_LOCAL_ENGINE);
            assertThat(e.getMessage()).contains("no local image engine");
        }
    }
}
