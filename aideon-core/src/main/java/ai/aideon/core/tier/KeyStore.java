package ai.aideon.core.tier;

import java.util.List;
import java.util.Optional;

/**
 * Tenants and their client keys. Keys are stored only as salted hashes; {@link #verify} is on the hot path, so
 * implementations cache successful verifications briefly (a revoked key stops working within that time).
 */
public interface KeyStore {

    Tenant createTenant(String name, String tier, List<Limit> overrides, Long requestsPerMinute,
                        Long tokensPerMinute);

    /** By id or by name. */
    Optional<Tenant> tenant(String idOrName);

    List<Tenant> tenants();

    Tenant updateTenant(Tenant tenant);

    IssuedKey createKey(String tenantId, String name, boolean admin);

    /** The key's tenant and info when the presented key is valid and not revoked. */
    Optional<KeyMatch> verify(String presentedKey);

    /** Keys of one tenant, or of all tenants when {@code tenantId} is null. */
    List<KeyInfo> keys(String tenantId);

    boolean revoke(String keyId);

    /** Issues a new key for the same tenant and name, and revokes the old one. */
    IssuedKey rotate(String keyId);

    record KeyMatch(KeyInfo key, Tenant tenant) {
    }
}
