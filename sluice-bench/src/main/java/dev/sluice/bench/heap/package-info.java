/** Measures the heap a queued request retains. */
package dev.sluice.bench.heap;
