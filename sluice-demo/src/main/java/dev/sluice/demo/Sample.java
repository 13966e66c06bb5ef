package dev.sluice.demo;

/**
 * One sample of a pipeline's levels during a demo run.
 *
 * @param seconds seconds since the run started
 * @param residentBytes the bytes of results held
 * @param reservedBytes the bytes reserved for work in flight
 */
record Sample(double seconds, long residentBytes, long reservedBytes) {}
