package ai.aideon.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watchdog against real blocking sockets on loopback (a quiet peer blocks the reader as a quiet upstream does).
 * Only lower bounds on time are asserted: a slow machine makes timeouts late, never early.
 */
class WatchedInputStreamTest {

    private final List<Closeable> opened = new ArrayList<>();

    @AfterEach
    void closeSockets() throws IOException {
        for (Closeable c : opened) {
            c.close();
        }
    }

    /** A connected pair on 127.0.0.1: what the peer writes to {@link Pair#out} arrives on {@link Pair#in}. */
    private record Pair(InputStream in, OutputStream out) {
    }

    private Pair pair() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            Socket reader = server.accept();
            opened.add(peer);
            opened.add(reader);
            return new Pair(reader.getInputStream(), peer.getOutputStream());
        }
    }

    @Test
    void aQuietBodyIsClosedOnceItsIdleTimeoutPassesAndSaysItTimedOut() throws Exception {
        long start = System.nanoTime();
        WatchedInputStream body = WatchedInputStream.idle(pair().in(), Duration.ofMillis(100));

        int read = readOnce(body);

        assertThat(read).isEqualTo(-1); // closed under the blocked reader
        assertThat(body.timedOut()).isTrue();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void anIdleTimeoutRestartsWithEveryByteButADeadlineDoesNot() throws Exception {
        Pair idlePair = pair();
        Pair deadlinePair = pair();
        OutputStream idleWriter = idlePair.out();
        OutputStream deadlineWriter = deadlinePair.out();
        WatchedInputStream idle = WatchedInputStream.idle(idlePair.in(), Duration.ofMillis(300));
        WatchedInputStream deadline = WatchedInputStream.deadline(deadlinePair.in(), Duration.ofMillis(300));

        // A byte every 50 ms for 0.9 s: never quiet for 300 ms, but three times the deadline.
        for (int i = 0; i < 18; i++) {
            idleWriter.write('x');
            idleWriter.flush();
            assertThat(idle.read()).isEqualTo('x');
            if (!deadline.timedOut()) {
                deadlineWriter.write('y');
                deadlineWriter.flush();
                readOnce(deadline); // 'y', or the end if the deadline closed it meanwhile
            }
            Thread.sleep(50);
        }

        assertThat(idle.timedOut()).isFalse();
        assertThat(deadline.timedOut()).isTrue();
        idle.close();
        deadline.close();
    }

    @Test
    void aBodyClosedBeforeItsTimeoutIsNeverMarkedTimedOut() throws Exception {
        WatchedInputStream body = WatchedInputStream.deadline(pair().in(), Duration.ofMillis(50));
        body.close();
        Thread.sleep(200);
        assertThat(body.timedOut()).isFalse();
    }

    @Test
    void theWatchdogWakesForTheFirstBodyAfterSleepingThroughAQuietSpell() throws Exception {
        // More than the watchdog's second of empty ticks with no open body: it parks until the next body.
        Thread.sleep(100 * WatchedInputStream.TICK.toMillis() + 500);
        WatchedInputStream body = WatchedInputStream.idle(pair().in(), Duration.ofMillis(100));

        assertThat(readOnce(body)).isEqualTo(-1);
        assertThat(body.timedOut()).isTrue();
    }

    /** One read on another thread, so a watchdog that never fires fails the test instead of hanging it. */
    private static int readOnce(InputStream in) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return in.read();
            } catch (IOException e) {
                return -1; // a socket closed under its reader throws: the same outcome for the caller
            }
        }).get(30, TimeUnit.SECONDS);
    }
}
