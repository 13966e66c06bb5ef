package dev.sluice.pipeline;

import java.util.List;

/** {@link PipelineStore#memory()}: keeps nothing. */
final class MemoryStore implements PipelineStore {
  static final MemoryStore INSTANCE = new MemoryStore();

  private static final Recovered EMPTY = new Recovered(0, List.of());

  private MemoryStore() {}

  @Override
  public boolean durable() {
    return false;
  }

  @Override
  public Recovered recover() {
    return EMPTY;
  }

  @Override
  public void write(List<StoredItem> changes) {}

  @Override
  public void close() {}
}
