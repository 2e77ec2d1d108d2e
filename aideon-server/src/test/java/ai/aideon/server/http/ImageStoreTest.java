package ai.aideon.server.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's hosted images: unguessable ids, bounded by bytes and by age. */
class ImageStoreTest {
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void idsAre128RandomBitsAndOnlyWellFormedIdsAreLookedUp() {
        ImageStore store = new ImageStore(1_000_000, Duration.ofHours(1), nanos::get);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(store.put(new byte[]{1}, "image/png"));
        }
        assertThat(ids).hasSize(1000).allMatch(id -> id.matches("[0-9a-f]{32}"));
        String id = ids.iterator().next();
        assertThat(store.get(id)).hasValueSatisfying(s -> assertThat(s.mediaType()).isEqualTo("image/png"));
        assertThat(store.get(id.toUpperCase())).isEmpty();
        assertThat(store.get("../" + id)).isEmpty();
        assertThat(store.get(null)).isEmpty();
    }

    @Test
    void imagesExpireAfterTheirTimeToLive() {
        ImageStore store = new ImageStore(1_000_000, Duration.ofHours(1), nanos::get);
        String id = store.put(new byte[100], "image/png");
        nanos.addAndGet(Duration.ofMinutes(59).toNanos());
        assertThat(store.get(id)).isPresent();
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        assertThat(store.get(id)).isEmpty();
    }

    @Test
    void totalBytesStayWithinTheBound() {
        ImageStore store = new ImageStore(10_000, Duration.ofHours(1), nanos::get);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            ids.add(store.put(new byte[3_000], "image/png"));
        }
        long kept = ids.stream().filter(i -> store.get(i).isPresent()).count();
        assertThat(kept).isBetween(1L, 3L); // at most 9 000 of 10 000 bytes
        // an image larger than the whole store is never kept
        assertThat(store.get(store.put(new byte[20_000], "image/png"))).isEmpty();
    }

    @Test
    void urlsCarryTheExtensionOfTheirType() {
        assertThat(ImageStore.extension("image/png")).isEqualTo(".png");
        assertThat(ImageStore.extension("image/jpeg")).isEqualTo(".jpg");
        assertThat(ImageStore.extension(null)).isEqualTo(".png");
    }
}
