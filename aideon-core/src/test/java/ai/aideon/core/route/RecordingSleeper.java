package ai.aideon.core.route;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records the waits the executor asks for instead of waiting. */
final class RecordingSleeper implements Sleeper {
    final List<Duration> waits = new ArrayList<>();

    @Override
    public void sleep(Duration d) {
        waits.add(d);
    }
}
