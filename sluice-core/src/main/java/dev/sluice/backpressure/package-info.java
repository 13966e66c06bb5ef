/**
 * Producer-side backpressure for a pipeline whose data plane holds work between producers and a
 * consumer: a {@link dev.sluice.backpressure.BackpressureController} pauses producers when any
 * signal a {@link dev.sluice.backpressure.CapacityReporter} reports (resident bytes, outstanding
 * references) reaches its high watermark and resumes them when all are back at their low marks,
 * with hysteresis, a consumer quantum that keeps a batching consumer live, per-producer in-flight
 * and per-call lease caps, producer and consumer starvation counted by intervals and time, and a
 * future that wakes paused producers. Configured by an immutable, validated {@link
 * dev.sluice.backpressure.BackpressureConfig}; every type here is thread-safe or immutable.
 */
package dev.sluice.backpressure;
