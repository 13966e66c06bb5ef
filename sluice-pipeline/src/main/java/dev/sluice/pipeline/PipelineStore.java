package dev.sluice.pipeline;

import java.util.List;

/**
 * Where a {@link Pipeline} keeps its item metadata so that it survives a restart. The pipeline
 * writes through it: after each call that moved items, one {@link #write} with the new state of
 * every item the call touched, before the call returns; the store applies the batch in one
 * transaction. The pipeline never reads it again until the next start ({@link #recover}).
 *
 * <p>On start, {@link Pipeline#create(PipelineConfig, PipelineStore)} reconciles what was
 * recovered: pending items are pending again (in the order they were added), leased ones return to
 * pending (the attempt given back: the worker may be gone, and the restart is not its fault),
 * committed results are held again (their bytes resident) and visible, acked and failed items stay
 * so.
 *
 * <p>Implementations are called under the pipeline's lock, one call at a time. {@link #memory()}
 * keeps nothing; {@code dev.sluice.pipeline.store.SqliteStore} keeps it in an SQLite file.
 */
public interface PipelineStore extends AutoCloseable {

  /** A store that keeps nothing: the pipeline is in memory only (the default). */
  static PipelineStore memory() {
    return MemoryStore.INSTANCE;
  }

  /**
   * Whether {@link #write} persists anything. The HTTP API runs a durable pipeline's calls off its
   * event loops, since writes block.
   */
  boolean durable();

  /**
   * Reads what the store holds, once, when the pipeline starts.
   *
   * @return the items and this start's epoch
   * @throws PipelineStoreException if the store cannot be read
   */
  Recovered recover();

  /**
   * Writes the new state of the items one call changed, atomically: all or none.
   *
   * @param changes one entry per item, in no particular order
   * @throws PipelineStoreException if the store could not write them (nothing was written)
   */
  void write(List<StoredItem> changes);

  /** Releases the store. Idempotent. */
  @Override
  void close();

  /**
   * What a store held at start.
   *
   * @param epoch a number that grows with every start of a durable store (0 for memory): lease ids
   *     carry it, so a lease from before a restart is never mistaken for a new one
   * @param items every item, in the order they were added
   */
  record Recovered(long epoch, List<StoredItem> items) {

    /** Copies {@code items}. */
    public Recovered {
      items = List.copyOf(items);
    }
  }
}
