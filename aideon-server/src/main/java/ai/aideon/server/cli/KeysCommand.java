package ai.aideon.server.cli;

import ai.aideon.client.admin.KeyAdmin;
import ai.aideon.core.tier.IssuedKey;
import ai.aideon.core.tier.KeyInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code aideon keys create|list|revoke|rotate}: against the configured store, or a gateway with --server. */
@Command(name = "keys", description = "Create, list, revoke and rotate client keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class,
                KeysCommand.Rotate.class})
final class KeysCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        picocli.CommandLine.usage(this, System.out);
        return 0;
    }

    /** Where to act: --server URL (admin key from AIDEON_ADMIN_KEY) or the store of --config / aideon.yaml. */
    static class Target {
        @Option(names = "--server", description = "A running gateway (admin key from AIDEON_ADMIN_KEY)")
        String server;
        @Option(names = "--config", description = "Config whose store to use (default: ./aideon.yaml, else built-in)")
        Path config;

        AdminBackend open() throws Exception {
            if (server != null) {
                return new HttpBackend(server, System.getenv("AIDEON_ADMIN_KEY"));
            }
            return new StoreBackend(AideonCli.loadConfig(config));
        }

        /** Opens the backend, runs the action, closes; any failure becomes a message and an exit code. */
        int run(BackendAction action) {
            try (AdminBackend b = open()) {
                action.run(b);
                return 0;
            } catch (Exception e) {
                return fail(e);
            }
        }
    }

    @FunctionalInterface
    interface BackendAction {
        void run(AdminBackend backend) throws Exception;
    }

    static int fail(Exception e) {
        String message = e instanceof ai.aideon.client.config.ConfigException ? e.getMessage()
                : e.getMessage() == null ? e.toString() : e.getMessage();
        System.err.println("aideon: " + message);
        return e instanceof IllegalArgumentException ? 2 : 1;
    }

    @Command(name = "create", description = "Create a key (and the tenant, when new). The key is printed once.")
    static final class Create implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Option(names = "--tenant", required = true, description = "Tenant name (created when new)")
        String tenant;
        @Option(names = "--tier", description = "free, premium, … (required for a new tenant)")
        String tier;
        @Option(names = "--budget-usd", description = "The tenant's budget per period (overrides the tier's)")
        BigDecimal budget;
        @Option(names = "--rpm", description = "Requests per minute (overrides the tier's)")
        Long rpm;
        @Option(names = "--tpm", description = "Tokens per minute (overrides the tier's)")
        Long tpm;
        @Option(names = "--name", description = "A label for the key")
        String name;
        @Option(names = "--admin", description = "An operator key for the admin API")
        boolean admin;

        @Override
        public Integer call() {
            return target.run(b -> {
                IssuedKey key = b.createKey(new KeyAdmin.KeyRequest(tenant, tier, budget, rpm, tpm, name, admin));
                System.out.println(key.secret());
                System.err.println("Key " + key.info().keyId() + " for tenant " + tenant + " created. It is shown "
                        + "once: store it now (only a salted hash is kept).");
            });
        }
    }

    @Command(name = "list", description = "List keys (never the keys themselves).")
    static final class ListKeys implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Option(names = "--tenant", description = "Only this tenant's keys")
        String tenant;

        @Override
        public Integer call() {
            return target.run(b -> {
                List<KeyInfo> keys = b.listKeys(tenant);
                System.out.printf(Locale.ROOT, "%-14s %-20s %-14s %-34s %-6s %-8s%n", "KEY ID", "TENANT", "NAME",
                        "PREFIX", "ADMIN", "STATE");
                for (KeyInfo k : keys) {
                    System.out.printf(Locale.ROOT, "%-14s %-20s %-14s %-34s %-6s %-8s%n", k.keyId(), k.tenantId(),
                            k.name(), k.displayPrefix(), k.admin() ? "yes" : "no", k.active() ? "active" : "revoked");
                }
            });
        }
    }

    @Command(name = "revoke", description = "Revoke a key by id.")
    static final class Revoke implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "0", description = "Key id (see keys list)")
        String keyId;

        @Override
        public Integer call() {
            return target.run(b -> {
                b.revoke(keyId);
                System.out.println("revoked " + keyId);
            });
        }
    }

    @Command(name = "rotate", description = "Issue a new key for the same tenant and revoke the old one.")
    static final class Rotate implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "0", description = "Key id (see keys list)")
        String keyId;

        @Override
        public Integer call() {
            return target.run(b -> {
                IssuedKey key = b.rotate(keyId);
                System.out.println(key.secret());
                System.err.println("Key " + keyId + " revoked; new key " + key.info().keyId() + " shown once above.");
            });
        }
    }
}
