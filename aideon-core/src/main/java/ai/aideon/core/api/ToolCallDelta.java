package ai.aideon.core.api;

/**
 * A streamed fragment of a tool call, keyed by {@code index}. The first fragment of a call carries id and name;
 * later ones append to the arguments.
 */
public record ToolCallDelta(int index, String id, String name, String argumentsFragment) {
}
