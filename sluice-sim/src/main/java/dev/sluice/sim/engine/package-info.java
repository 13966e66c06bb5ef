/**
 * A simulated vLLM-style engine: running slots, a FIFO waiting queue, a KV cache of blocks, and
 * per-token timing with load slowdown and jitter, all on an injected clock.
 */
package dev.sluice.sim.engine;
