package ai.aideon.core.catalog;

/** What a chat model can do beyond plain text in, text out. */
public enum Capability {
    TOOLS, JSON, VISION, STREAMING
}
