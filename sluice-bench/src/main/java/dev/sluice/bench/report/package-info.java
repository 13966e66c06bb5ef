/** Turns JMH results into the tables of {@code docs/benchmarks.md}. */
package dev.sluice.bench.report;
