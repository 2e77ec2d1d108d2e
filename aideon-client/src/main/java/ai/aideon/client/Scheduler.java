package ai.aideon.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs background work at fixed intervals: local engine probes and model discovery. Injected so tests drive the work
 * by hand ({@link #manual()}) instead of sleeping, and so an embedding application could use its own threads.
 */
public interface Scheduler extends AutoCloseable {

    /** Runs {@code task} every {@code interval}, the first time one interval from now. */
    void every(String name, Duration interval, Runnable task);

    /** Stops all tasks; a task running right now finishes. */
    @Override
    void close();

    /** One virtual thread per task, sleeping between runs; a failing run is logged by the task, never fatal. */
    static Scheduler virtualThreads() {
        return new Scheduler() {
            private final List<Thread> threads = new CopyOnWriteArrayList<>();
            private volatile boolean closed;

            @Override
            public void every(String name, Duration interval, Runnable task) {
                threads.add(Thread.ofVirtual().name(name).start(() -> {
                    while (!closed) {
                        try {
                            Thread.sleep(interval);
                        } catch (InterruptedException e) {
                            return;
                        }
                        if (!closed) {
                            task.run();
                        }
                    }
                }));
            }

            @Override
            public void close() {
                closed = true;
                threads.forEach(Thread::interrupt);
            }
        };
    }

    /** Nothing runs by itself; {@link Manual#runAll()} runs every registered task once, now, on the caller. */
    static Manual manual() {
        return new Manual();
    }

    /** A scheduler for tests. */
    final class Manual implements Scheduler {
        private final List<String> names = new CopyOnWriteArrayList<>();
        private final List<Runnable> tasks = new CopyOnWriteArrayList<>();
        private final List<Duration> intervals = new CopyOnWriteArrayList<>();

        @Override
        public void every(String name, Duration interval, Runnable task) {
            names.add(name);
            intervals.add(interval);
            tasks.add(task);
        }

        public void runAll() {
            tasks.forEach(Runnable::run);
        }

        /** {@code name every interval}, for asserting what was scheduled. */
        public List<String> scheduled() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                out.add(names.get(i) + " every " + intervals.get(i).toSeconds() + "s");
            }
            return out;
        }

        @Override
        public void close() {
            tasks.clear();
        }
    }
}
