/**
 * The load client: open- or closed-loop streaming requests per tenant against an OpenAI-compatible
 * server, measuring time to first token, inter-token latency, end-to-end latency, errors and
 * goodput under objectives.
 */
package dev.sluice.sim.load;
