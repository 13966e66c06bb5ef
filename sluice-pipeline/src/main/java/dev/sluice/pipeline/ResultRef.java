package dev.sluice.pipeline;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.util.Objects;

/**
 * A producer's result: a reference to where the data lives (the pipeline never holds the data) and
 * the bytes it occupies there, which is what backpressure counts. Immutable.
 *
 * @param ref the reference, for example {@code mem://store/sample-17}
 * @param bytes its size, {@code >= 0}
 */
public record ResultRef(String ref, long bytes) {

  /** Checks the reference is not null and the size not negative. */
  public ResultRef {
    Objects.requireNonNull(ref, "ref");
    checkArgument(bytes >= 0, "bytes: %s (expected: >= 0)", bytes);
  }
}
