package ai.aideon.client.cache;

import ai.aideon.core.provider.ProviderException;

/** Turns a question into a vector for the semantic cache (the engine backs it with the local embedding model). */
@FunctionalInterface
public interface QueryEmbedder {
    float[] embed(String text) throws ProviderException;
}
