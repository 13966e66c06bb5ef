package dev.sluice.pipeline;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.util.Objects;

/**
 * A unit of work for producers (a prompt): an id unique in the pipeline and an opaque payload.
 * Immutable.
 *
 * @param id the item's id; adding an id the pipeline already knows is a no-op (a duplicate)
 * @param payload what the producer needs to do the work (a prompt, a reference to one)
 */
public record WorkItem(String id, String payload) {

  /** Checks that the id is not blank and the payload not null. */
  public WorkItem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(payload, "payload");
    checkArgument(!id.isBlank(), "id: \"%s\" (expected: not blank)", id);
  }
}
