package dev.sluice.tunnel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place the tunnel makes threads: a cached pool of daemon threads for the blocking socket
 * work (accepting, dialing, and one reader and one writer per proxied connection).
 */
final class TunnelThreads {

  private TunnelThreads() {}

  static ExecutorService newPool(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newCachedThreadPool(
        task -> {
          Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }
}
