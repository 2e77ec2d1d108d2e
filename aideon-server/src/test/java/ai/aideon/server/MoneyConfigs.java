package ai.aideon.server;

import ai.aideon.client.config.AideonConfig;
import ai.aideon.client.config.ConfigLoader;

import java.util.Map;

/**
 * Small configs for money-path tests: simulated upstreams (no latency), one priced cloud model and one free
 * local model, and tiers whose limits the test chooses.
 */
final class MoneyConfigs {
    static final String ADMIN = "sk-test-admin";

    private MoneyConfigs() {
    }

    /**
     * @param store     e.g. {@code sqlite:/tmp/x/aideon.db} or a postgres URL
     * @param tiersYaml the {@code tiers:} section body, indented by 2
     * @param clients   extra {@code clients:} entries, indented by 2 ("" for none)
     */
    static AideonConfig simulated(String store, String tiersYaml, String clients) throws Exception {
        return new ConfigLoader(Map.<String, String>of()::get).parse(yaml(store, "0ms", "0ms", tiersYaml, clients),
                "money-test.yaml");
    }

    /**
     * The YAML text of {@link #simulated}, for a gateway in a process of its own.
     *
     * @param firstTokenLatency the simulators' latency to the first token, e.g. {@code 0ms}
     * @param tokenLatency      and per token after it
     */
    static String yaml(String store, String firstTokenLatency, String tokenLatency, String tiersYaml,
                       String clients) {
        return """
                store: "%1$s"
                admin_key: %2$s
                upgrade_url: https://example.test/upgrade
                providers:
                  local:
                    type: simulator
                    source: local
                    simulator: {seed: 7, first_token_latency: %3$s, token_latency: %4$s}
                  cloud:
                    type: simulator
                    source: cloud
                    simulator: {seed: 8, first_token_latency: %3$s, token_latency: %4$s}
                models:
                  - {id: local/small, provider: local, modality: text, context: 8192,
                     capabilities: [tools, json, streaming], tiers: [premium]}
                  - {id: cloud/llama-8b, provider: cloud, modality: text, context: 8192,
                     capabilities: [tools, json, streaming], price: {input: 0.18, output: 0.18}, tiers: [free, premium]}
                  - {id: cloud/big, provider: cloud, modality: text, context: 8192,
                     capabilities: [tools, json, streaming], price: {input: 3.50, output: 3.50}, tiers: [premium]}
                routes:
                  - alias: aideon/text
                    modality: text
                    plans:
                      premium: [{model: local/small, role: primary}, {model: cloud/llama-8b, role: fallback}]
                      free: [{model: cloud/llama-8b, role: primary}]
                  - alias: aideon/code
                    modality: code
                    plans:
                      premium: [{model: cloud/llama-8b, role: primary}]
                tiers:
                %5$s
                clients:
                  - {name: free-app, key: sk-test-free, tier: free, tenant: free-app}
                  - {name: premium-app, key: sk-test-premium, tier: premium, tenant: premium-app}
                %6$s
                """.formatted(store, ADMIN, firstTokenLatency, tokenLatency,
                tiersYaml.stripIndent().indent(2).stripTrailing(), clients.stripIndent().indent(2).stripTrailing());
    }

    static String defaultTiers() {
        return """
                  free:
                    routes: [aideon/text]
                    rate: {requests_per_minute: 100000, tokens_per_minute: 100000000}
                    quotas:
                      daily: {requests: 100000}
                    budget: {usd: 1.00, period: month}
                    upgrade_to: premium
                  premium:
                    budget: {usd: 100.00, period: month}""";
    }
}
