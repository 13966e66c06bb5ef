package dev.sluice.pipeline;

import org.jspecify.annotations.Nullable;

/**
 * Where one item is. Immutable.
 *
 * @param id the item's id
 * @param state its state
 * @param attempts how many times it was leased
 * @param lastError the reason of its last failure, or null if it never failed
 */
public record ItemStatus(String id, ItemState state, int attempts, @Nullable String lastError) {}
