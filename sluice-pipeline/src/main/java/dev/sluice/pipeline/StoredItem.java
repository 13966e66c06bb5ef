package dev.sluice.pipeline;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One item's state as a {@link PipelineStore} keeps it: a row of the journal. Immutable.
 *
 * @param seq the item's place in the order items were added, from 1
 * @param id the item's id
 * @param payload its payload
 * @param state its state
 * @param attempts how many times it was leased
 * @param lastError the reason of its last failure, or null
 * @param ref its result's reference once committed, or null
 * @param bytes its result's size once committed, else 0
 */
public record StoredItem(
    long seq,
    String id,
    String payload,
    ItemState state,
    int attempts,
    @Nullable String lastError,
    @Nullable String ref,
    long bytes) {

  /** Checks the required fields. */
  public StoredItem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(state, "state");
    checkArgument(
        ref != null || (state != ItemState.COMMITTED && state != ItemState.ACKED),
        "ref: null (expected: a reference for state %s)",
        state);
  }
}
