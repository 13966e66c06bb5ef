package dev.sluice.pipeline.config;

import dev.sluice.pipeline.PipelineStore;
import dev.sluice.pipeline.PipelineStoreException;
import dev.sluice.pipeline.store.SqliteStore;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a pipeline keeps its state: in memory (no path, the default) or in an SQLite file.
 * Immutable.
 *
 * @param path the SQLite file, or null for memory only
 * @param synchronous when SQLite syncs its write-ahead log (ignored in memory)
 */
public record StoreSettings(@Nullable Path path, SqliteStore.Synchronous synchronous) {

  /** Checks {@code synchronous}. */
  public StoreSettings {
    Objects.requireNonNull(synchronous, "synchronous");
  }

  /** In memory only. */
  public static StoreSettings memory() {
    return new StoreSettings(null, SqliteStore.Synchronous.FULL);
  }

  /**
   * Opens the store.
   *
   * @return {@link PipelineStore#memory()} without a path, else the SQLite store
   * @throws PipelineStoreException naming the file if it cannot be opened
   */
  public PipelineStore open() {
    return path == null ? PipelineStore.memory() : SqliteStore.open(path, synchronous);
  }

  /** For people: {@code in memory} or {@code sqlite FILE (synchronous=FULL)}. */
  public String describe() {
    return path == null
        ? "in memory"
        : "sqlite " + path + " (synchronous=" + synchronous.name() + ")";
  }
}
