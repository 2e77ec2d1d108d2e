/**
 * Internal: Together's own wire formats (image generation), translated to and from the canonical API. Public only
 * so the together package can use it; nothing here belongs to the adapter's API.
 */
package ai.aideon.providers.together.wire;
