package ai.aideon.server.cli;

import ai.aideon.client.AideonEngine;
import ai.aideon.client.DemoMode;
import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ConfigException;
import ai.aideon.client.config.ConfigLoader;
import ai.aideon.client.config.ProviderConfig;
import ai.aideon.core.catalog.ModelSpec;
import ai.aideon.core.catalog.Route;
import ai.aideon.server.http.GatewayServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code aideon serve|demo|models|config check|config default}; the launcher script adds {@code test} and {@code bench}. */
@Command(name = "aideon", mixinStandardHelpOptions = true, version = "Aideon Router 0.1.0",
        description = "Multimodal AI gateway: OpenAI-compatible API, local engines first, cloud fallback.",
        subcommands = {AideonCli.Serve.class, AideonCli.Demo.class, AideonCli.Models.class, AideonCli.Config.class,
                KeysCommand.class, UsageCommand.class, AideonCli.Test.class, CommandLine.HelpCommand.class})
public final class AideonCli {

    public static void main(String[] args) {
        quietFrameworkLogging();
        System.exit(new CommandLine(new AideonCli()).execute(args));
    }

    /**
     * Helidon logs through java.util.logging; keep its start-up chatter out of the demo's output unless the user
     * configured JUL themselves. Warnings and errors still show.
     */
    static void quietFrameworkLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        try (var in = AideonCli.class.getResourceAsStream("/ai/aideon/server/logging.properties")) {
            if (in != null) {
                java.util.logging.LogManager.getLogManager().readConfiguration(in);
            }
        } catch (java.io.IOException e) {
            System.err.println("aideon: could not read the logging defaults: " + e.getMessage());
        }
    }

    /** --config FILE, else ./aideon.yaml when present, else the built-in default. */
    static AideonConfig loadConfig(Path file) throws ConfigException {
        ConfigLoader loader = ConfigLoader.withSystemEnv();
        if (file != null) {
            return loader.load(file);
        }
        Path local = Path.of("aideon.yaml");
        return Files.isRegularFile(local) ? loader.load(local) : loader.loadDefault();
    }

    static int configError(ConfigException e) {
        System.err.println("aideon: the configuration has problems:");
        e.problems().forEach(p -> System.err.println("  " + p.toString().replace("\n", "\n  ")));
        return 2;
    }

    /** {@code kill -HUP <pid>} reloads prices and routes, like {@code POST /aideon/v1/admin/reload}. */
    static void reloadOnSighup(AideonEngine engine, java.util.concurrent.Callable<AideonConfig> reload) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                try {
                    var changes = engine.reloadCatalog(reload.call());
                    System.out.println("aideon: catalog reloaded (SIGHUP): "
                            + (changes.isEmpty() ? "no changes" : String.join("; ", changes)));
                } catch (ConfigException e) {
                    System.err.println("aideon: reload refused, the running catalog is unchanged:\n" + e.getMessage());
                } catch (Exception e) {
                    System.err.println("aideon: reload failed, the running catalog is unchanged: " + e.getMessage());
                }
            });
        } catch (IllegalArgumentException unsupported) {
            // No SIGHUP on this platform (Windows); the admin endpoint still reloads.
        }
    }

    static void runUntilStopped(AideonEngine engine, GatewayServer server) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            engine.close();
            stopped.countDown();
        }, "aideon-shutdown"));
        stopped.await();
    }

    @Command(name = "serve", description = "Start the gateway with aideon.yaml (or --config).")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--config", description = "Config file (default: ./aideon.yaml, else built-in)")
        Path config;
        @Option(names = "--port", description = "Port (overrides server.port)")
        Integer port;
        @Option(names = "--host", description = "Host/interface (overrides server.host)")
        String host;

        @Override
        public Integer call() throws Exception {
            AideonConfig cfg;
            try {
                cfg = loadConfig(config);
            } catch (ConfigException e) {
                return configError(e);
            }
            var server = cfg.server();
            AideonEngine engine = AideonEngine.start(cfg);
            java.util.concurrent.Callable<AideonConfig> reload = () -> loadConfig(config);
            GatewayServer gw = GatewayServer.start(engine, host != null ? host : server.host(),
                    port != null ? port : server.port(), java.time.Clock.systemUTC(), reload);
            reloadOnSighup(engine, reload);
            String base = "http://" + (host != null ? host : server.host()) + ":" + gw.port();
            System.out.println("Aideon Router listening on " + base + "/v1  (config: " + cfg.source() + ")");
            System.out.println("  dashboard: " + base + "/dashboard  (sign in with the admin key)");
            engine.disabledProviders().forEach((name, why) ->
                    System.out.println("  provider '" + name + "' is off: " + why));
            runUntilStopped(engine, gw);
            return 0;
        }
    }

    @Command(name = "demo", description = "Start the gateway with simulated upstreams: no keys, no network.")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "8080", description = "Port (default 8080)")
        int port;
        @Option(names = "--config", description = "Use this catalog; its providers are simulated (a provider's "
                + "simulator: block sets error_rate / latency per model). Default: the built-in catalog.")
        Path config;

        @Override
        public Integer call() throws Exception {
            AideonConfig cfg;
            try {
                ConfigLoader loader = ConfigLoader.withSystemEnv();
                cfg = DemoMode.apply(config == null ? loader.loadDefault() : loader.load(config));
                java.nio.file.Files.createDirectories(Path.of(".aideon"));
                cfg = cfg.withStore(new ai.aideon.client.config.StoreConfig("sqlite:.aideon/demo.db",
                        cfg.store().instanceId(), cfg.store().upgradeUrl(), DemoMode.ADMIN_KEY));
            } catch (ConfigException e) {
                return configError(e);
            }
            AideonEngine engine = AideonEngine.start(cfg);
            GatewayServer gw;
            try {
                gw = GatewayServer.start(engine, "127.0.0.1", port);
            } catch (RuntimeException e) {
                System.err.println("aideon: cannot listen on 127.0.0.1:" + port + " (" + e.getMessage()
                        + "). Is something else using it? Try ./aideon demo --port 8081");
                return 1;
            }
            String base = "http://127.0.0.1:" + gw.port();
            System.out.printf(Locale.ROOT, """
                    Aideon Router demo is running (simulated local engine + simulated Together; no keys, no network).

                      Base URL (OpenAI-compatible):  %1$s/v1
                      Dashboard:                     %1$s/dashboard#key=%4$s
                                                     (signs in with the admin demo key; the part after # never reaches the server)
                      Premium demo key:              %2$s
                      Free demo key:                 %3$s
                      Admin demo key:                %4$s   (dashboard, keys, usage, reconciliation)
                      Usage ledger:                  .aideon/demo.db (SQLite)
                      Routes and models:             curl -H 'Authorization: Bearer %2$s' %1$s/v1/models
                      Explain a route:               curl -H 'Authorization: Bearer %2$s' '%1$s/aideon/v1/explain?model=aideon/text'
                      Health and breakers:           curl -H 'Authorization: Bearer %2$s' %1$s/aideon/v1/health
                      Your usage and cost:           curl -H 'Authorization: Bearer %2$s' '%1$s/aideon/v1/usage?group_by=model'

                    Try it:
                      curl -s %1$s/v1/chat/completions -H 'Authorization: Bearer %2$s' \\
                        -H 'Content-Type: application/json' \\
                        -d '{"model":"aideon/text","messages":[{"role":"user","content":"Hello!"}]}' -D -

                    See a fallback: switch the simulated local engine off, then chat again and read x-aideon-route:
                      curl -X POST -H 'Authorization: Bearer %2$s' %1$s/aideon/v1/simulator/local/down

                    Press Ctrl-C to stop.
                    """, base, DemoMode.PREMIUM_KEY, DemoMode.FREE_KEY, DemoMode.ADMIN_KEY);
            System.out.flush();
            runUntilStopped(engine, gw);
            return 0;
        }
    }

    @Command(name = "models", description = "List the catalog's routes and models.")
    static final class Models implements Callable<Integer> {
        @Option(names = "--config", description = "Config file (default: ./aideon.yaml, else built-in)")
        Path config;

        @Override
        public Integer call() {
            AideonConfig cfg;
            try {
                cfg = loadConfig(config);
            } catch (ConfigException e) {
                return configError(e);
            }
            System.out.println("ROUTES");
            for (Route r : cfg.catalog().routes()) {
                System.out.printf(Locale.ROOT, "  %-14s %-7s %s%n", r.alias(),
                        r.modality().name().toLowerCase(Locale.ROOT), r.plans().keySet());
            }
            System.out.println("MODELS");
            System.out.printf(Locale.ROOT, "  %-48s %-9s %-7s %-6s %8s  %-16s %s%n", "id", "provider", "modality",
                    "source", "context", "tiers", "price (USD)");
            for (ModelSpec m : cfg.catalog().models()) {
                System.out.printf(Locale.ROOT, "  %-48s %-9s %-8s %-6s %8s  %-16s %s%n", m.id(), m.provider(),
                        m.modality().name().toLowerCase(Locale.ROOT), m.source().wire(),
                        m.contextWindow() > 0 ? m.contextWindow() : "-", String.join(",", new java.util.TreeSet<>(m.tiers())),
                        priceText(m));
            }
            return 0;
        }

        private static String priceText(ModelSpec m) {
            var p = m.price();
            if (p.isFree()) {
                return "free";
            }
            StringBuilder sb = new StringBuilder();
            if (p.inputPerMTokens().signum() > 0 || p.outputPerMTokens().signum() > 0) {
                sb.append(p.inputPerMTokens().toPlainString()).append('/').append(p.outputPerMTokens().toPlainString())
                        .append(" per 1M tok");
            }
            if (p.perImage().signum() > 0) {
                sb.append(p.perImage().toPlainString()).append(" per image");
            }
            if (p.perAudioSecond().signum() > 0) {
                sb.append(p.perAudioSecond().toPlainString()).append(" per audio s");
            }
            if (p.perMCharacters().signum() > 0) {
                sb.append(p.perMCharacters().toPlainString()).append(" per 1M chars");
            }
            return sb.toString();
        }
    }

    @Command(name = "config", description = "Check or print configuration.",
            subcommands = {ConfigCheck.class, ConfigDefault.class})
    static final class Config implements Callable<Integer> {
        @Override
        public Integer call() {
            CommandLine.usage(this, System.out);
            return 0;
        }
    }

    @Command(name = "check", description = "Validate a config file; problems name the line and the fix.")
    static final class ConfigCheck implements Callable<Integer> {
        @CommandLine.Parameters(arity = "0..1", description = "Config file (default: ./aideon.yaml, else built-in)")
        Path file;
        @Option(names = "--config", description = "Config file (same as the positional argument)")
        Path config;

        @Override
        public Integer call() {
            try {
                AideonConfig cfg = loadConfig(file != null ? file : config);
                System.out.printf(Locale.ROOT, "%s: OK — %d providers, %d models, %d routes, %d client keys%n",
                        cfg.source(), cfg.providers().size(), cfg.catalog().models().size(),
                        cfg.catalog().routes().size(), cfg.clients().size());
                for (ProviderConfig pc : cfg.providers().values()) {
                    if (!pc.enabled()) {
                        System.out.println("  note: provider '" + pc.name() + "' is off: " + pc.disabledReason());
                    }
                }
                return 0;
            } catch (ConfigException e) {
                return configError(e);
            }
        }
    }

    @Command(name = "default", description = "Print the built-in default config (a starting point for aideon.yaml).")
    static final class ConfigDefault implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.print(ConfigLoader.defaultText());
            return 0;
        }
    }

    @Command(name = "test", description = "Run the test suite (handled by the ./aideon launcher).")
    static final class Test implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println("Run the test suite from the repository root with: ./aideon test");
            return 0;
        }
    }
}
