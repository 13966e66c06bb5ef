package dev.sluice.pipeline;

/**
 * What {@link Pipeline#add} did. Immutable.
 *
 * @param added items now pending
 * @param duplicates items skipped because their id was already known (at-least-once adds are safe)
 */
public record AddResult(int added, int duplicates) {}
