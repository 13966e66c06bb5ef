package dev.sluice.backpressure;

/**
 * The high and low marks of one signal: the latch pauses when the level reaches {@code high} and
 * resumes when it is back at {@code low} (see {@link BackpressureController} for the exact rule,
 * including {@code low == high}). Immutable; validated by {@link
 * BackpressureConfig.Builder#build()}.
 *
 * @param signal the signal's name, as the {@link CapacityReporter} and {@link
 *     BackpressureController#update} know it
 * @param low resume at or below this level; {@code 0 <= low <= high}
 * @param high pause at or above this level; {@code > 0}
 */
public record Watermark(String signal, long low, long high) {}
