package ai.aideon.core.route;

import ai.aideon.testkit.ManualClock;
import ai.aideon.core.api.ChatChunk;
import ai.aideon.core.api.Role;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.provider.ChatProvider;
import ai.aideon.core.provider.ChatStream;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import static ai.aideon.core.route.Fixtures.ALL_CAPS;
import static ai.aideon.core.route.Fixtures.ALL_TIERS;
import static ai.aideon.core.route.Fixtures.answer;
import static ai.aideon.core.route.Fixtures.ask;
import static ai.aideon.core.route.Fixtures.plan;
import static ai.aideon.core.route.Fixtures.rateLimited;
import static ai.aideon.core.route.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ChatExecutorTest {

    static final ModelSpec LOCAL = Fixtures.local("local/llama3.1-8b", 8192, ALL_CAPS);
    static final ModelSpec TOGETHER = Fixtures.cloud("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", 32768,
            "0.88", ALL_CAPS, ALL_TIERS);
    static final ModelSpec NOWHERE = Fixtures.cloud("nowhere", "ghost/model", 8192, "1", ALL_CAPS, ALL_TIERS);

    /** nextDouble() ≈ 1: full jitter then waits (almost) the whole cap, which makes waits predictable. */
    static final RandomGenerator MAX_JITTER = () -> -1L;
    static final ProviderException OVERLOADED_503 = status(Kind.OVERLOADED, 503);

    final ManualClock clock = new ManualClock();
    final HealthRegistry health = new HealthRegistry(clock);
    final RecordingSleeper sleeper = new RecordingSleeper();
    final FakeChatProvider local = new FakeChatProvider("local");
    final FakeChatProvider together = new FakeChatProvider("together");
    final Map<String, ChatProvider> providers = new HashMap<>(Map.of("local", local, "together", together));

    ChatExecutor executor(ExecutorSettings settings) {
        return new ChatExecutor(providers::get, health, settings, sleeper, MAX_JITTER, new HeuristicQualityGate());
    }

    ChatExecutor executor() {
        return executor(ExecutorSettings.defaults());
    }

    static ExecutorSettings noRetries() {
        ExecutorSettings d = ExecutorSettings.defaults();
        return new ExecutorSettings(0, 0, d.baseBackoff(), d.maxBackoff(), d.maxRetryAfter(), d.callTimeout(),
                d.qualityThreshold());
    }

    static List<String> outcomes(List<Attempt> attempts) {
        return attempts.stream().map(a -> a.provider() + ":" + a.outcome()).toList();
    }

    @Nested
    class RetryAndFallback {
        @Test
        void a503RetriesOnceThenFallsBackAndTheHeaderSaysWhy() throws Exception {
            local.failsWith(OVERLOADED_503).failsWith(OVERLOADED_503);

            ChatOutcome out = executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(out.routeHeader()).isEqualTo("local->together:fallback(503)");
            assertThat(out.served()).isEqualTo(TOGETHER);
            assertThat(out.response().firstText()).isEqualTo("answer from together");
            assertThat(outcomes(out.attempts())).containsExactly("local:503", "local:503", "together:ok");
            assertThat(out.qualityScore()).isNull();
            assertThat(sleeper.waits).hasSize(1);
        }

        @Test
        void aRetryThatSucceedsStaysOnThePrimaryAfterAJitteredBackoff() throws Exception {
            local.failsWith(OVERLOADED_503);

            ChatOutcome out = executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(out.routeHeader()).isEqualTo("local:primary");
            assertThat(outcomes(out.attempts())).containsExactly("local:503", "local:ok");
            assertThat(together.calls).isEmpty();
            assertThat(sleeper.waits).singleElement().satisfies(w -> assertThat(w)
                    .isLessThanOrEqualTo(Duration.ofMillis(100)).isGreaterThan(Duration.ofMillis(99)));
        }

        @Test
        void jitterIsDrawnBelowTheCap() throws Exception {
            local.failsWith(OVERLOADED_503);
            RandomGenerator half = () -> Long.MIN_VALUE; // top bit only: nextDouble() = 0.5
            ChatExecutor ex = new ChatExecutor(providers::get, health, ExecutorSettings.defaults(), sleeper, half,
                    new HeuristicQualityGate());

            ex.execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL));

            assertThat(sleeper.waits).containsExactly(Duration.ofMillis(50));
        }

        @Test
        void retryAfterWithinTheLimitIsWaitedExactly() throws Exception {
            local.failsWith(rateLimited(Duration.ofSeconds(3)));

            ChatOutcome out = executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(3));
            assertThat(out.routeHeader()).isEqualTo("local:primary");
        }

        @Test
        void retryAfterBeyondTheLimitFallsBackAtOnceWithoutWaiting() throws Exception {
            local.failsWith(rateLimited(Duration.ofSeconds(30)));

            ChatOutcome out = executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(sleeper.waits).isEmpty();
            assertThat(outcomes(out.attempts())).containsExactly("local:429", "together:ok");
            assertThat(out.routeHeader()).isEqualTo("local->together:fallback(429)");
        }

        @Test
        void badRequestSurfacesAtOnceWithoutTryingOthers() {
            ProviderException bad = new ProviderException(Kind.BAD_REQUEST, "temperature must be <= 2", 400, null,
                    "temperature", null);
            local.failsWith(bad);

            AllAttemptsFailedException e = catchThrowableOfType(AllAttemptsFailedException.class,
                    () -> executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER)));

            assertThat(e.last()).isSameAs(bad);
            assertThat(outcomes(e.attempts())).containsExactly("local:400");
            assertThat(e.routeHeader()).isEqualTo("local:primary");
            assertThat(together.calls).isEmpty();
            assertThat(sleeper.waits).isEmpty();
        }

        @Test
        void nonRetryableButFallbackableKindsMoveOnWithoutRetrying() throws Exception {
            local.failsWith(status(Kind.AUTH, 401));

            ChatOutcome out = executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(outcomes(out.attempts())).containsExactly("local:401", "together:ok");
            assertThat(sleeper.waits).isEmpty();
        }

        @Test
        void whenAllFailTheLastFailureAndEveryAttemptAreReported() {
            local.failsWith(OVERLOADED_503).failsWith(OVERLOADED_503);
            ProviderException timeout = new ProviderException(Kind.TIMEOUT, "no answer in 120s");
            together.failsWith(timeout).failsWith(timeout);

            AllAttemptsFailedException e = catchThrowableOfType(AllAttemptsFailedException.class,
                    () -> executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER)));

            assertThat(e.last()).isSameAs(timeout);
            assertThat(outcomes(e.attempts()))
                    .containsExactly("local:503", "local:503", "together:timeout", "together:timeout");
            assertThat(e.routeHeader()).isEqualTo("local->together:fallback(503)");
        }

        @Test
        void aMissingProviderIsRecordedAndSkipped() throws Exception {
            ChatOutcome out = executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, NOWHERE, TOGETHER));

            assertThat(outcomes(out.attempts())).containsExactly("nowhere:no_provider", "together:ok");
            assertThat(out.routeHeader()).isEqualTo("nowhere->together:fallback(no_provider)");
        }

        @Test
        void aProviderThatThrowsARuntimeExceptionIsTreatedAsUnavailable() throws Exception {
            providers.put("local", new FakeChatProvider("local") {
                @Override
                public ai.aideon.core.api.ChatResponse chat(ai.aideon.core.provider.ChatCall call) {
                    throw new IllegalStateException("bug");
                }
            });

            ChatOutcome out = executor(noRetries()).execute(ask("aideon/text", "hi"),
                    plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(outcomes(out.attempts())).containsExactly("local:unavailable", "together:ok");
        }

        @Test
        void theCallCarriesTheChosenModelAndTheTimeout() throws Exception {
            executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, TOGETHER));

            assertThat(together.calls).singleElement().satisfies(call -> {
                assertThat(call.model()).isEqualTo(TOGETHER);
                assertThat(call.timeout()).isEqualTo(Duration.ofSeconds(120));
                assertThat(call.request().model()).isEqualTo("aideon/text");
            });
        }
    }

    @Nested
    class CriticalRole {
        @Test
        void criticalGetsMoreRetriesWithDoublingBackoff() throws Exception {
            local.failsWith(OVERLOADED_503).failsWith(OVERLOADED_503).failsWith(OVERLOADED_503);

            ChatOutcome out = executor().execute(ask("aideon/text", "hi"), plan(Role.CRITICAL, LOCAL, TOGETHER));

            assertThat(out.routeHeader()).isEqualTo("local:primary,role=critical");
            assertThat(outcomes(out.attempts())).containsExactly("local:503", "local:503", "local:503", "local:ok");
            assertThat(sleeper.waits).hasSize(3);
            assertThat(sleeper.waits.get(0)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
            assertThat(sleeper.waits.get(1)).isBetween(Duration.ofMillis(199), Duration.ofMillis(200));
            assertThat(sleeper.waits.get(2)).isBetween(Duration.ofMillis(399), Duration.ofMillis(400));
        }

        @Test
        void thePrimaryRoleGivesUpOnTheSameFailuresAfterOneRetry() throws Exception {
            local.failsWith(OVERLOADED_503).failsWith(OVERLOADED_503).failsWith(OVERLOADED_503);

            ChatOutcome out = executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(out.served()).isEqualTo(TOGETHER);
        }

        @Test
        void backoffNeverExceedsTheCap() throws Exception {
            for (int i = 0; i < 3; i++) {
                local.failsWith(OVERLOADED_503);
            }
            ExecutorSettings slow = new ExecutorSettings(1, 3, Duration.ofSeconds(1), Duration.ofSeconds(2),
                    Duration.ofSeconds(5), Duration.ofSeconds(120), 0.8);

            executor(slow).execute(ask("aideon/text", "hi"), plan(Role.CRITICAL, LOCAL));

            assertThat(sleeper.waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(2)));
            assertThat(sleeper.waits.get(2)).isGreaterThan(Duration.ofMillis(1999));
        }
    }

    @Nested
    class Breakers {
        @Test
        void repeatedFailuresOpenTheBreakerAndItClosesAgainAfterTheWait() throws Exception {
            ChatExecutor ex = executor(noRetries());
            for (int i = 0; i < 5; i++) {
                local.failsWith(OVERLOADED_503);
                ex.execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));
            }
            assertThat(health.state(LOCAL)).isEqualTo("open");
            assertThat(health.isAvailable(LOCAL)).isFalse();

            ChatOutcome refused = ex.execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));
            assertThat(local.calls).hasSize(5); // the breaker spared the sick upstream
            assertThat(outcomes(refused.attempts())).containsExactly("local:breaker_open", "together:ok");
            assertThat(refused.routeHeader()).isEqualTo("local->together:fallback(breaker_open)");

            clock.advance(Duration.ofSeconds(30).plusMillis(1));
            assertThat(health.isAvailable(LOCAL)).isTrue();
            ChatOutcome probe = ex.execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));
            assertThat(probe.routeHeader()).isEqualTo("local:primary");
            assertThat(health.state(LOCAL)).isEqualTo("half_open");

            ex.execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));
            assertThat(health.state(LOCAL)).isEqualTo("closed");
        }

        @Test
        void everyCandidateOpenFailsWithBreakerOpenAttempts() throws Exception {
            ChatExecutor ex = executor(noRetries());
            for (int i = 0; i < 5; i++) {
                local.failsWith(OVERLOADED_503);
                together.failsWith(OVERLOADED_503);
                catchThrowableOfType(AllAttemptsFailedException.class,
                        () -> ex.execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER)));
            }

            AllAttemptsFailedException e = catchThrowableOfType(AllAttemptsFailedException.class,
                    () -> ex.execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER)));

            assertThat(outcomes(e.attempts())).containsExactly("local:breaker_open", "together:breaker_open");
            assertThat(e.last().kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.last().getMessage()).contains("circuit breaker open");
        }
    }

    @Nested
    class Streaming {
        @Test
        void aFailureBeforeTheFirstChunkFallsBackAndClosesTheBrokenStream() throws Exception {
            local.streams(List.of(), OVERLOADED_503);

            StreamOutcome out = executor(noRetries()).openStream(ask("aideon/text", "hi").withStream(true, true),
                    plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(out.routeHeader()).isEqualTo("local->together:fallback(503)");
            assertThat(out.served()).isEqualTo(TOGETHER);
            assertThat(local.openedStreams).singleElement().satisfies(s -> assertThat(s.closed).isTrue());
            assertThat(texts(out.stream())).containsExactly("stream from together");
        }

        @Test
        void aFailureToOpenFallsBackToo() throws Exception {
            local.streamOpenFails(status(Kind.UNAVAILABLE, 502));

            StreamOutcome out = executor(noRetries()).openStream(ask("aideon/text", "hi").withStream(true, true),
                    plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(outcomes(out.attempts())).containsExactly("local:502", "together:ok");
        }

        @Test
        void aFailureAfterTheFirstChunkPropagatesAndIsNotRetried() throws Exception {
            ProviderException cut = status(Kind.UNAVAILABLE, 0);
            local.streams(List.of("Hel", "lo"), cut);

            StreamOutcome out = executor().openStream(ask("aideon/text", "hi").withStream(true, true),
                    plan(Role.PRIMARY, LOCAL, TOGETHER));
            ChatStream stream = out.stream();

            assertThat(out.routeHeader()).isEqualTo("local:primary");
            assertThat(text(stream.next())).isEqualTo("Hel");
            assertThat(text(stream.next())).isEqualTo("lo");
            ProviderException thrown = catchThrowableOfType(ProviderException.class, stream::next);
            assertThat(thrown).isSameAs(cut);
            assertThat(together.calls).isEmpty();
            stream.close();
            assertThat(local.openedStreams.get(0).closed).isTrue();
        }

        @Test
        void midStreamFailuresCountAgainstTheBreaker() throws Exception {
            ChatExecutor ex = executor(noRetries());
            for (int i = 0; i < 3; i++) {
                local.streams(List.of("partial"), status(Kind.UNAVAILABLE, 0));
                ChatStream s = ex.openStream(ask("aideon/text", "hi").withStream(true, true),
                        plan(Role.PRIMARY, LOCAL)).stream();
                s.next();
                catchThrowableOfType(ProviderException.class, s::next);
            }
            // each stream records a success when it opens and a failure when it breaks: S F S F S F = 3 of 6,
            // the 50% threshold with the 5-call minimum met
            assertThat(health.state(LOCAL)).isEqualTo("open");
        }

        @Test
        void aCleanEmptyStreamIsASuccess() throws Exception {
            local.streams(List.of(), null);

            StreamOutcome out = executor().openStream(ask("aideon/text", "hi").withStream(true, true),
                    plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(out.served()).isEqualTo(LOCAL);
            assertThat(out.stream().next()).isNull();
            assertThat(out.stream().next()).isNull();
        }

        @Test
        void badRequestWhenOpeningSurfacesAtOnce() {
            local.streamOpenFails(status(Kind.BAD_REQUEST, 400));

            AllAttemptsFailedException e = catchThrowableOfType(AllAttemptsFailedException.class,
                    () -> executor().openStream(ask("aideon/text", "hi").withStream(true, true),
                            plan(Role.PRIMARY, LOCAL, TOGETHER)));

            assertThat(e.last().kind()).isEqualTo(Kind.BAD_REQUEST);
            assertThat(together.calls).isEmpty();
        }

        private static List<String> texts(ChatStream s) throws ProviderException {
            List<String> out = new java.util.ArrayList<>();
            for (ChatChunk c = s.next(); c != null; c = s.next()) {
                out.add(text(c));
            }
            return out;
        }

        private static String text(ChatChunk c) {
            return c.choices().get(0).content();
        }
    }

    @Nested
    class QualityRole {
        @Test
        void aLowScoreEscalatesToTheNextCandidate() throws Exception {
            local.answers("I can't help with that request.");

            ChatOutcome out = executor().execute(ask("aideon/text", "Summarise the plot of Hamlet."),
                    plan(Role.QUALITY, LOCAL, TOGETHER));

            assertThat(out.served()).isEqualTo(TOGETHER);
            assertThat(out.qualityScore()).isEqualTo(1.0);
            assertThat(outcomes(out.attempts())).containsExactly("local:quality(0.40)", "together:ok");
            assertThat(out.routeHeader()).isEqualTo("local->together:fallback(quality(0.40)),role=quality");
        }

        @Test
        void whenNoneClearsTheThresholdTheBestScoringAnswerIsReturned() throws Exception {
            local.answers(answer("Hamlet is a prince who", "length"));   // truncated: 0.5
            together.answers("I cannot assist with that.");              // refusal: 0.4

            ChatOutcome out = executor().execute(ask("aideon/text", "Summarise Hamlet."),
                    plan(Role.QUALITY, LOCAL, TOGETHER));

            assertThat(out.served()).isEqualTo(LOCAL);
            assertThat(out.qualityScore()).isEqualTo(0.5);
            assertThat(out.response().firstText()).startsWith("Hamlet");
            assertThat(outcomes(out.attempts())).containsExactly("local:quality(0.50)", "together:quality(0.40)");
        }

        @Test
        void theGateOnlyRunsForTheQualityRole() throws Exception {
            local.answers("I can't help with that request.");

            ChatOutcome out = executor().execute(ask("aideon/text", "hi"), plan(Role.PRIMARY, LOCAL, TOGETHER));

            assertThat(out.served()).isEqualTo(LOCAL);
            assertThat(out.qualityScore()).isNull();
        }

        @Test
        void theGateDoesNotRunForStreamedRequests() throws Exception {
            local.answers("I can't help with that request.");

            ChatOutcome out = executor().execute(ask("aideon/text", "hi").withStream(true, false),
                    plan(Role.QUALITY, LOCAL, TOGETHER));

            assertThat(out.served()).isEqualTo(LOCAL);
            assertThat(out.qualityScore()).isNull();
        }
    }
}
