package ai.aideon.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static ai.aideon.server.GatewayFixture.JSON;
import static ai.aideon.server.GatewayFixture.events;
import static ai.aideon.server.GatewayFixture.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The ledger's durability promise, end to end: the gateway runs as its own JVM on a SQLite ledger, 24 clients
 * hammer it (plain, streaming, streaming with usage), and the process is killed with SIGKILL mid-load. Afterwards
 * every response a client received completely must have its row in the ledger (the row is committed before the
 * final byte leaves), and the only rows without a delivered response belong to requests in flight at the kill.
 */
class LedgerSurvivesKillTest {
    private static final int CLIENTS = 24;
    private static final String KEY = "sk-test-premium";
    private static final String TENANT = "premium-app";
    /** Load at least this long and until this many responses were delivered (bounded by MAX_LOAD). */
    private static final Duration MIN_LOAD = Duration.ofMillis(1500);
    private static final int MIN_DELIVERED = 300;
    private static final Duration MAX_LOAD = Duration.ofSeconds(8);
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final int WARM_UP_CLIENTS = 6;
    private static final int WARM_UP_REQUESTS = 12;

    @TempDir
    Path dir;
    private Process gateway;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void cleanUp() throws InterruptedException {
        stop.set(true);
        clients.shutdownNow();
        try {
            if (gateway != null) {
                gateway.destroyForcibly();
                gateway.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            clients.awaitTermination(15, TimeUnit.SECONDS);
            http.shutdownNow();
        }
    }

    private enum Kind { PLAIN, STREAM, STREAM_WITH_USAGE }

    /** One request as the client saw it; {@code toldCostMicros} is the cost the response announced, if any. */
    private record Attempt(String id, int client, Kind kind, long startNanos, long endNanos, boolean delivered,
                           Long toldCostMicros, String failure) {
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void everyCompletelyReceivedResponseHasItsRowAfterKillDashNine() throws Exception {
        Path db = dir.resolve("aideon.db");
        Path config = dir.resolve("aideon.yaml");
        Files.writeString(config, yaml("sqlite:" + db));
        int port = startGateway(config);
        String base = "http://127.0.0.1:" + port;

        AtomicInteger delivered = new AtomicInteger();
        ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();

        // --- warm-up: the child JVM's first requests load the tokenizer and JIT-compile the path (seconds) ---
        long warmStart = System.nanoTime();
        try (ExecutorService warm = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < WARM_UP_CLIENTS; w++) {
                int client = w;
                warm.submit(() -> {
                    for (int seq = 0; seq < WARM_UP_REQUESTS; seq++) {
                        attempts.add(exchange(base, "warm-c" + client + "-" + seq, client, seq));
                    }
                    return null;
                });
            }
        }
        assertThat(attempts).as("warm-up requests").allMatch(Attempt::delivered);
        delivered.set(attempts.size());
        long warmMs = (System.nanoTime() - warmStart) / 1_000_000;

        // --- load ---
        long loadStart = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.submit(() -> {
                clientLoop(base, client, delivered, attempts);
                return null;
            });
        }
        while (true) {
            long elapsed = System.nanoTime() - loadStart;
            if (elapsed >= MAX_LOAD.toNanos()
                    || (elapsed >= MIN_LOAD.toNanos() && delivered.get() >= WARM_UP_CLIENTS * WARM_UP_REQUESTS
                    + MIN_DELIVERED)) {
                break;
            }
            if (!gateway.isAlive()) {
                stop.set(true);
                fail("the gateway died on its own under load; log:%n%s", log());
            }
            Thread.sleep(20);
        }

        // --- kill -9, clients still running ---
        assertThat(gateway.isAlive()).as("gateway alive just before the kill").isTrue();
        long pid = gateway.pid();
        long killNanos = System.nanoTime();
        gateway.destroyForcibly(); // SIGKILL on Linux
        boolean died = gateway.waitFor(10, TimeUnit.SECONDS);
        assertThat(died).as("gateway dead within 10 s of SIGKILL").isTrue();
        assertThat(gateway.exitValue()).as("exit status 128 + SIGKILL(9)").isEqualTo(137);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        // Let the clients run into the dead port for a moment, then stop them (bounded by the request timeout).
        Thread.sleep(300);
        stop.set(true);
        clients.shutdown();
        assertThat(clients.awaitTermination(20, TimeUnit.SECONDS)).as("clients stopped").isTrue();

        // --- what the clients saw ---
        Map<String, Attempt> byId = new HashMap<>();
        for (Attempt a : attempts) {
            assertThat(byId.put(a.id(), a)).as("request id %s used once", a.id()).isNull();
        }
        Set<String> deliveredIds = new HashSet<>();
        List<Attempt> failedBeforeKill = new ArrayList<>();
        int inFlightAtKill = 0;
        Map<String, Integer> cutByKill = new TreeMap<>();
        for (Attempt a : attempts) {
            if (a.delivered()) {
                deliveredIds.add(a.id());
            } else if (a.endNanos() < killNanos) {
                failedBeforeKill.add(a);
            }
            if (inFlightAt(a, killNanos)) {
                inFlightAtKill++;
                if (!a.delivered()) {
                    cutByKill.merge(a.kind() + " " + abbreviate(a.failure().lines().findFirst().orElse(""), 60), 1,
                            Integer::sum);
                }
            }
        }
        assertThat(failedBeforeKill).as("no request failed while the gateway was up").isEmpty();
        assertThat(inFlightAtKill).as("requests in flight at the kill (the kill hit the gateway under load)")
                .isPositive().isLessThanOrEqualTo(CLIENTS);

        // --- what the ledger holds (the process is dead: this is what reached the disk) ---
        Map<String, Row> ledger = readLedger(db);

        Set<String> lost = new HashSet<>(deliveredIds);
        lost.removeAll(ledger.keySet());
        Set<String> extra = new HashSet<>(ledger.keySet());
        extra.removeAll(deliveredIds);
        Map<String, Integer> extraByKind = new TreeMap<>();
        for (String id : extra) {
            extraByKind.merge(String.valueOf(ledger.get(id).errorKind()), 1, Integer::sum);
        }
        Map<Kind, Integer> deliveredByKind = new TreeMap<>();
        int deliveredUnderLoad = 0;
        for (String id : deliveredIds) {
            deliveredByKind.merge(byId.get(id).kind(), 1, Integer::sum);
            if (id.startsWith("kill-")) {
                deliveredUnderLoad++;
            }
        }
        System.out.printf("LedgerSurvivesKillTest: attempts=%d delivered=%d (under load %d; %s) ledgerRows=%d "
                        + "rows-delivered=%d inFlightAtKill=%d lost=%d undeliveredRowsByErrorKind=%s warmMs=%d "
                        + "loadMs=%d%n  cut by the kill: %s%n",
                attempts.size(), deliveredIds.size(), deliveredUnderLoad, deliveredByKind, ledger.size(),
                extra.size(), inFlightAtKill, lost.size(), extraByKind, warmMs, (killNanos - loadStart) / 1_000_000,
                cutByKill);

        assertThat(lost).as("delivered responses without a ledger row (lost rows)").isEmpty();
        assertThat(deliveredUnderLoad).as("responses delivered under load").isGreaterThan(100);
        for (String id : extra) {
            Attempt a = byId.get(id);
            assertThat(a).as("ledger row %s belongs to a request this test sent", id).isNotNull();
            assertThat(inFlightAt(a, killNanos))
                    .as("undelivered row %s belongs to a request in flight at the kill", id).isTrue();
        }
        assertThat(extra.size()).as("rows without a delivered response").isLessThanOrEqualTo(inFlightAtKill)
                .isLessThanOrEqualTo(CLIENTS);
        int pricedRows = 0;
        for (String id : deliveredIds) {
            Row row = ledger.get(id);
            pricedRows += row.costMicros() > 0 ? 1 : 0;
            Attempt a = byId.get(id);
            assertThat(row.status()).as("status of %s", id).isEqualTo(200);
            assertThat(row.tenant()).as("tenant of %s", id).isEqualTo(TENANT);
            assertThat(row.errorKind()).as("error kind of delivered %s", id).isNull();
            if (a.toldCostMicros() != null) {
                assertThat(row.costMicros()).as("ledger cost of %s = the cost its response announced", id)
                        .isEqualTo(a.toldCostMicros());
            }
        }
        assertThat(pricedRows).as("delivered rows with a cost (the priced cloud model)").isPositive();
    }

    /** Sent before the kill signal and not finished when it went out (one per client at most). */
    private static boolean inFlightAt(Attempt a, long killNanos) {
        return a.startNanos() < killNanos && a.endNanos() >= killNanos;
    }

    // ------------------------------------------------------------------------------------------------------------

    private void clientLoop(String base, int client, AtomicInteger delivered, ConcurrentLinkedQueue<Attempt> attempts)
            throws InterruptedException {
        for (int seq = 0; !stop.get(); seq++) {
            Attempt a = exchange(base, "kill-c" + client + "-" + seq, client, seq);
            attempts.add(a);
            if (a.delivered()) {
                delivered.incrementAndGet();
            } else {
                Thread.sleep(5); // after the kill: do not spin on a refused port
            }
        }
    }

    /**
     * One request, its kind and model chosen by {@code seq}: plain / stream / stream with usage in turn, and every
     * three requests the other model (the free local one or the priced cloud one, whose rows carry a cost).
     */
    private Attempt exchange(String base, String id, int client, int seq) throws InterruptedException {
        Kind kind = Kind.values()[(client + seq) % Kind.values().length];
        String model = (seq / 3) % 2 == 0 ? "aideon/text" : "cloud/llama-8b";
        long start = System.nanoTime();
        Long cost = null;
        String failure = null;
        try {
            HttpResponse<String> r = http.send(request(base, id, kind, model),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            cost = complete(r, kind);
            if (cost == null) {
                failure = "incomplete: status " + r.statusCode() + " body " + abbreviate(r.body(), 300);
            }
        } catch (IOException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        boolean ok = failure == null;
        return new Attempt(id, client, kind, start, System.nanoTime(), ok, ok && cost >= 0 ? cost : null, failure);
    }

    private static HttpRequest request(String base, String id, Kind kind, String model) {
        String content = "Tell me about durable ledgers, request " + id;
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":24,\"messages\":[{\"role\":\"user\",\"content\":"
                + quote(content) + "}]"
                + switch (kind) {
                    case PLAIN -> "";
                    case STREAM -> ",\"stream\":true";
                    case STREAM_WITH_USAGE -> ",\"stream\":true,\"stream_options\":{\"include_usage\":true}";
                } + "}";
        return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .header("x-request-id", id)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /**
     * Whether the response arrived completely: status 200 and a whole JSON completion, or a stream whose last
     * event is {@code [DONE]} (with the usage chunk just before it when asked for). Returns the announced cost in
     * micro-dollars, -1 when complete but no cost is announced (plain streams), null when not complete.
     */
    private static Long complete(HttpResponse<String> r, Kind kind) {
        if (r.statusCode() != 200) {
            return null;
        }
        try {
            if (kind == Kind.PLAIN) {
                JsonNode body = JSON.readTree(r.body());
                if (!"chat.completion".equals(body.path("object").asText())
                        || !body.path("choices").path(0).path("message").isObject()
                        || !body.path("usage").path("cost_usd").isNumber()) {
                    return null;
                }
                long told = micros(body.path("usage").path("cost_usd").decimalValue());
                String header = r.headers().firstValue("x-aideon-cost-usd").orElse(null);
                if (header == null || micros(new BigDecimal(header)) != told) {
                    return null;
                }
                return told;
            }
            List<String> events = events(r.body());
            if (events.size() < 2 || !events.get(events.size() - 1).equals("[DONE]")
                    || !r.body().endsWith("data: [DONE]\n\n")) {
                return null;
            }
            for (String e : events.subList(0, events.size() - 1)) {
                if (JSON.readTree(e).has("error")) {
                    return null;
                }
            }
            if (kind == Kind.STREAM_WITH_USAGE) {
                JsonNode usage = JSON.readTree(events.get(events.size() - 2)).path("usage");
                if (!usage.path("total_tokens").isNumber() || !usage.path("cost_usd").isNumber()) {
                    return null;
                }
                return micros(usage.path("cost_usd").decimalValue());
            }
            return -1L;
        } catch (IOException | RuntimeException malformed) {
            return null;
        }
    }

    private static long micros(BigDecimal usd) {
        return usd.movePointRight(6).longValueExact();
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    // ------------------------------------------------------------------------------------------------------------

    private record Row(String tenant, int status, String errorKind, long costMicros) {
    }

    private static Map<String, Row> readLedger(Path db) throws Exception {
        assertThat(db).exists();
        // Opening the store replays the rows the killed gateway had journaled but not yet indexed.
        ai.aideon.store.Store.open("sqlite:" + db, java.time.Clock.systemUTC()).close();
        Map<String, Row> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).as("the ledger runs in WAL mode").isEqualToIgnoringCase("wal");
            }
            try (ResultSet rs = s.executeQuery(
                    "SELECT client_request_id, tenant_id, status, error_kind, cost_micros FROM usage_ledger")) {
                // Keyed by the id this test sent (the row's own key is the gateway's): one row per request sent.
                while (rs.next()) {
                    assertThat(rows.put(rs.getString(1), new Row(rs.getString(2), rs.getInt(3), rs.getString(4),
                            rs.getLong(5)))).as("one row for request %s", rs.getString(1)).isNull();
                }
            }
        }
        return rows;
    }

    /** Starts {@code aideon serve} in its own JVM on a free loopback port and waits for /health; returns the port. */
    private int startGateway(Path config) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classpath = System.getProperty("java.class.path");
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Path logFile = dir.resolve("gateway-" + attempt + ".log");
            gateway = new ProcessBuilder(java, "-Xmx512m", "-cp", classpath, "ai.aideon.server.cli.AideonCli",
                    "serve", "--config", config.toString(), "--host", "127.0.0.1", "--port", String.valueOf(port))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            long deadline = System.nanoTime() + STARTUP.toNanos();
            while (System.nanoTime() < deadline && gateway.isAlive()) {
                if (healthy(port)) {
                    return port;
                }
                Thread.sleep(100);
            }
            String log = Files.readString(logFile);
            gateway.destroyForcibly();
            gateway.waitFor(10, TimeUnit.SECONDS);
            boolean portTaken = log.contains("Address already in use") || log.contains("BindException");
            if (!portTaken || attempt >= 3) {
                fail("the gateway did not become healthy on port %d within %s; log:%n%s", port, STARTUP, log);
            }
        }
    }

    private boolean healthy(int port) throws InterruptedException {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        IOException last = null;
        for (int i = 0; i < 5; i++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                return s.getLocalPort();
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private String log() {
        try (var files = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                sb.append("== ").append(p.getFileName()).append('\n').append(Files.readString(p));
            }
            return sb.toString();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * The money tests' config ({@code KEY} and {@code TENANT} are its premium client) with small simulator latencies,
     * so requests overlap, and large limits, so nothing is refused.
     */
    private static String yaml(String store) {
        return MoneyConfigs.yaml(store, "2ms", "1ms", """
                free:
                  routes: [aideon/text]
                  rate: {requests_per_minute: 1000000, tokens_per_minute: 1000000000}
                  quotas:
                    daily: {requests: 10000000}
                  budget: {usd: 1000.00, period: month}
                  upgrade_to: premium
                premium:
                  rate: {requests_per_minute: 1000000, tokens_per_minute: 1000000000}
                  budget: {usd: 100000.00, period: month}""", "");
    }
}
