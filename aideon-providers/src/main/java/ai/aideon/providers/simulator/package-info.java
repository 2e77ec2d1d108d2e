/**
 * The in-process, deterministic stand-in for an upstream used in demo mode: plausible answers, real token counts,
 * OpenAI-style streaming, seeded faults and a "down" switch. No network.
 */
package ai.aideon.providers.simulator;
