/**
 * The simulator's OpenAI-compatible HTTP server: chat and text completions (streaming or not),
 * models, health and metrics, with OpenAI-style errors and failure injection.
 */
package dev.sluice.sim.server;
