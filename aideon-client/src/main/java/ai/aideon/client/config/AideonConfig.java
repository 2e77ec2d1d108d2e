package ai.aideon.client.config;

import ai.aideon.core.catalog.Catalog;
import ai.aideon.core.route.ExecutorSettings;
import ai.aideon.core.route.RouterSettings;

import java.util.List;
import java.util.Map;

/**
 * A validated {@code aideon.yaml}. Built only by {@link ConfigLoader}, so every instance is consistent: routes
 * name known models, models name configured providers.
 *
 * @param clients static client keys (demo keys and keys from the file); the key store of a later stage adds more
 * @param cache   the exact and semantic response caches
 */
public record AideonConfig(ServerConfig server, RouterSettings router, ExecutorSettings executor,
                           Map<String, ProviderConfig> providers, Catalog catalog, List<ClientKey> clients,
                           Map<String, TierPolicy> tiers, StoreConfig store, String source, CacheConfig cache) {
    public AideonConfig {
        providers = Map.copyOf(providers);
        clients = List.copyOf(clients);
        tiers = Map.copyOf(tiers);
        if (cache == null) {
            cache = CacheConfig.defaults();
        }
    }

    /** A config whose file has no {@code cache:} section: the default caches. */
    public AideonConfig(ServerConfig server, RouterSettings router, ExecutorSettings executor,
                        Map<String, ProviderConfig> providers, Catalog catalog, List<ClientKey> clients,
                        Map<String, TierPolicy> tiers, StoreConfig store, String source) {
        this(server, router, executor, providers, catalog, clients, tiers, store, source, CacheConfig.defaults());
    }

    /** The tier's policy; tiers the file doesn't describe have no limits beyond the catalog's model access. */
    public TierPolicy tier(String name) {
        TierPolicy t = tiers.get(name);
        return t != null ? t : TierPolicy.unlimited(name);
    }

    public AideonConfig withStore(StoreConfig newStore) {
        return new AideonConfig(server, router, executor, providers, catalog, clients, tiers, newStore, source, cache);
    }

    public AideonConfig withTiers(Map<String, TierPolicy> newTiers) {
        return new AideonConfig(server, router, executor, providers, catalog, clients, newTiers, store, source, cache);
    }

    /** Same config with other providers (demo mode swaps real engines for simulators). */
    public AideonConfig withProviders(Map<String, ProviderConfig> newProviders) {
        return new AideonConfig(server, router, executor, newProviders, catalog, clients, tiers, store, source, cache);
    }

    public AideonConfig withClients(List<ClientKey> newClients) {
        return new AideonConfig(server, router, executor, providers, catalog, newClients, tiers, store, source, cache);
    }

    public AideonConfig withServer(ServerConfig newServer) {
        return new AideonConfig(newServer, router, executor, providers, catalog, clients, tiers, store, source, cache);
    }

    public AideonConfig withCache(CacheConfig newCache) {
        return new AideonConfig(server, router, executor, providers, catalog, clients, tiers, store, source, newCache);
    }
}
