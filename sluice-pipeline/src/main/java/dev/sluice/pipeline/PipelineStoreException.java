package dev.sluice.pipeline;

/**
 * A {@link PipelineStore} could not be opened, read or written; the message names the store (its
 * file) and what went wrong. A write failure stops the pipeline (it closes; the state on disk is
 * the last one that was written, and the next start reconciles from it).
 */
public final class PipelineStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed, for people
   * @param cause the underlying error
   */
  public PipelineStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
