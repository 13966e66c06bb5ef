package dev.sluice.flow;

/**
 * Permission to proceed, held while the dispatched work runs.
 *
 * <p>Closing the admission reports that the work finished: it frees the in-flight capacity the
 * request held (which the saturation detector sees) and wakes the dispatcher. Close it exactly when
 * the work ends, in a {@code try}-with-resources block or the work's completion callback. {@link
 * #close()} is idempotent and thread-safe; an admission that is never closed holds its capacity
 * forever.
 */
public interface Admission extends AutoCloseable {

  /** The request that was admitted. */
  FlowRequest request();

  /** Nanoseconds the request waited in its queue; 0 when it was dispatched on arrival. */
  long queueWaitNanos();

  /** Whether {@link #close()} has been called. */
  boolean isClosed();

  /** Reports that the work finished. Idempotent; never throws. */
  @Override
  void close();
}
