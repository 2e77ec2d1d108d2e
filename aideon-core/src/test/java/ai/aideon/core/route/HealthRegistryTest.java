package ai.aideon.core.route;

import ai.aideon.testkit.ManualClock;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.provider.ProviderException;
import ai.aideon.core.provider.ProviderException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;

import static ai.aideon.core.route.Fixtures.ALL_CAPS;
import static ai.aideon.core.route.Fixtures.ALL_TIERS;
import static org.assertj.core.api.Assertions.assertThat;

class HealthRegistryTest {
    static final ModelSpec A = Fixtures.cloud("together", "m/a", 8192, "1", ALL_CAPS, ALL_TIERS);
    static final ModelSpec B = Fixtures.cloud("together", "m/b", 8192, "1", ALL_CAPS, ALL_TIERS);

    static final Duration OPEN_WAIT_PASSED = Duration.ofSeconds(30).plusMillis(1);

    final ManualClock clock = new ManualClock();
    final HealthRegistry registry = new HealthRegistry(clock);

    void fail(ModelSpec m, Kind kind, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(registry.tryAcquire(m)).isTrue();
            registry.onFailure(m, 1_000_000, new ProviderException(kind, "x"));
        }
    }

    @Test
    void unknownModelsAreClosedAndAvailableWithoutCreatingABreaker() {
        assertThat(registry.isAvailable(A)).isTrue();
        assertThat(registry.state(A)).isEqualTo("closed");
        assertThat(registry.snapshot()).isEmpty();
    }

    @Test
    void fourFailuresAreBelowTheMinimumAndDoNotOpen() {
        fail(A, Kind.OVERLOADED, 4);

        assertThat(registry.state(A)).isEqualTo("closed");
    }

    @Test
    void fiveFailuresOpenOnlyThatModelsBreaker() {
        fail(A, Kind.TIMEOUT, 5);

        assertThat(registry.state(A)).isEqualTo("open");
        assertThat(registry.tryAcquire(A)).isFalse();
        assertThat(registry.isAvailable(B)).isTrue();
        assertThat(registry.tryAcquire(B)).isTrue();
    }

    @Test
    void halfOpenAfterTheWaitLetsTwoTrialCallsThroughAndIsAvailabilityIsSideEffectFree() {
        fail(A, Kind.UNAVAILABLE, 5);
        clock.advance(Duration.ofSeconds(29));
        assertThat(registry.isAvailable(A)).isFalse();

        clock.advance(Duration.ofSeconds(1));
        assertThat(registry.isAvailable(A)).isFalse(); // exactly 30 s: resilience4j waits until strictly after
        assertThat(registry.tryAcquire(A)).isFalse();

        clock.advance(Duration.ofMillis(1));
        assertThat(registry.isAvailable(A)).isTrue();
        assertThat(registry.isAvailable(A)).isTrue();
        assertThat(registry.state(A)).isEqualTo("open"); // asking did not start a trial

        assertThat(registry.tryAcquire(A)).isTrue();
        assertThat(registry.state(A)).isEqualTo("half_open");
        assertThat(registry.tryAcquire(A)).isTrue();
        assertThat(registry.tryAcquire(A)).isFalse();
    }

    @Test
    void failedTrialsReopenForAnotherFullWait() {
        fail(A, Kind.UNAVAILABLE, 5);
        clock.advance(OPEN_WAIT_PASSED);
        fail(A, Kind.UNAVAILABLE, 2);

        assertThat(registry.state(A)).isEqualTo("open");
        assertThat(registry.isAvailable(A)).isFalse();
        clock.advance(OPEN_WAIT_PASSED);
        assertThat(registry.isAvailable(A)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"BAD_REQUEST", "CONTENT_POLICY", "CONTEXT_LENGTH"})
    void callerFaultsNeverOpenABreaker(Kind kind) {
        fail(A, kind, 20);

        assertThat(registry.state(A)).isEqualTo("closed");
    }

    @Test
    void callerFaultsHandBackAHalfOpenPermit() {
        fail(A, Kind.UNAVAILABLE, 5);
        clock.advance(OPEN_WAIT_PASSED);

        fail(A, Kind.BAD_REQUEST, 3); // each trial slot is returned, so more than 2 get through

        assertThat(registry.state(A)).isEqualTo("half_open");
    }

    @Test
    void successesKeepItClosed() {
        for (int i = 0; i < 6; i++) {
            registry.tryAcquire(A);
            registry.onSuccess(A, 5_000_000);
        }
        fail(A, Kind.OVERLOADED, 4); // 4 of 10 = 40% < 50%

        assertThat(registry.state(A)).isEqualTo("closed");
    }

    @Test
    void snapshotListsEveryBreakerByProviderAndModel() {
        fail(A, Kind.OVERLOADED, 5);
        registry.tryAcquire(B);
        registry.onSuccess(B, 1);

        assertThat(registry.snapshot()).containsExactly(
                java.util.Map.entry("together:m/a", "open"), java.util.Map.entry("together:m/b", "closed"));
    }

    @Test
    void engineProbeResultsAreKeptPerProviderWithTheTimeTheyWereTaken() {
        ModelSpec local = Fixtures.local("local/llama", 8192, ALL_CAPS);
        assertThat(registry.engine("local")).isNull();
        assertThat(registry.engineUnavailable(local)).isNull();

        assertThat(registry.reportEngine("local", EngineState.LOADING, "Loading model")).isNull();
        clock.advance(Duration.ofSeconds(10));
        EngineHealth before = registry.reportEngine("local", EngineState.DOWN, "connection refused");

        assertThat(before.state()).isEqualTo(EngineState.LOADING);
        assertThat(registry.engine("local").checkedAt()).isEqualTo(clock.instant());
        assertThat(registry.engineUnavailable(local)).isEqualTo("engine down: connection refused");
        // A probe says nothing about cloud models, and never touches the per-model breakers.
        assertThat(registry.engineUnavailable(A)).isNull();
        assertThat(registry.isAvailable(local)).isTrue();

        registry.reportEngine("local", EngineState.UP, null);
        assertThat(registry.engineUnavailable(local)).isNull();
    }
}
