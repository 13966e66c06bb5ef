/**
 * The flow controller alone, in-process: a runnable example of fair sharing in front of a
 * FIFO-limited backend.
 */
package dev.sluice.examples;
