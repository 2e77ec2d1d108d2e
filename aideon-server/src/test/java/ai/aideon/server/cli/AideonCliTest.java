package ai.aideon.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AideonCliTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(new AideonCli()).execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void configCheckAcceptsTheDefaultAndNamesLineAndFixForABadFile(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, run("config", "default").out());
        Run ok = run("config", "check", good.toString());
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("OK").contains("26 models");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "server:\n  port: eighty\n");
        Run failed = run("config", "check", bad.toString());
        assertThat(failed.exit()).isEqualTo(2);
        assertThat(failed.err()).contains("bad.yaml:2").contains("whole number").contains("fix:");
    }

    @Test
    void modelsPrintsTheCatalog() {
        Run r = run("models");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("aideon/text").contains("meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo")
                .contains("0.18/0.18 per 1M tok");
    }

    @Test
    void keysAndUsageWorkDirectlyOnTheStore(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("aideon.yaml");
        Files.writeString(config, "store: \"sqlite:" + dir.resolve("cli.db") + "\"\n");
        Run created = run("keys", "create", "--config", config.toString(), "--tenant", "acme", "--tier", "free",
                "--budget-usd", "2.50", "--rpm", "10");
        assertThat(created.exit()).as(created.err()).isZero();
        String key = created.out().trim();
        assertThat(key).startsWith("sk-aideon-");
        assertThat(created.err()).contains("shown once");

        Run listed = run("keys", "list", "--config", config.toString(), "--tenant", "acme");
        assertThat(listed.exit()).isZero();
        assertThat(listed.out()).contains("active").doesNotContain(key.substring(key.indexOf('_') + 1));
        String keyId = key.substring("sk-aideon-".length(), key.indexOf('_'));

        Run rotated = run("keys", "rotate", "--config", config.toString(), keyId);
        assertThat(rotated.exit()).isZero();
        assertThat(rotated.out().trim()).startsWith("sk-aideon-").isNotEqualTo(key);
        assertThat(run("keys", "list", "--config", config.toString()).out()).contains("revoked");

        Run usage = run("usage", "--config", config.toString(), "--group-by", "tier");
        assertThat(usage.exit()).isZero();
        assertThat(usage.out()).contains("TOTAL");

        Run unknownTier = run("keys", "create", "--config", config.toString(), "--tenant", "x", "--tier", "gold");
        assertThat(unknownTier.exit()).isEqualTo(2);
        assertThat(unknownTier.err()).contains("unknown tier 'gold'");
    }
}
