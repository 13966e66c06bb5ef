package dev.sluice.flow.saturation;

import java.util.concurrent.CopyOnWriteArrayList;

/** The change listeners of a detector. Thread-safe. */
final class Listeners {
  private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

  void add(Runnable listener) {
    listeners.add(listener);
  }

  void fire() {
    for (Runnable listener : listeners) {
      listener.run();
    }
  }
}
