package dev.sluice.credit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sender and a receiver wired through a network that duplicates and reorders the receiver's limit
 * updates, with writers, readers and the network on their own threads. No credit is created or
 * lost: the receiver never sees data past a limit, every stream holds at most its window, every
 * byte arrives, and the sender's grants add up to the bytes written.
 */
class CreditRandomizedTest {

  private static final int STREAMS = 4;
  private static final long BYTES_PER_STREAM = 2_000_000;
  private static final long STREAM_WINDOW = 64 * 1024;

  @Test
  @Timeout(60)
  void noCreditIsCreatedOrLostUnderDuplicatedAndReorderedUpdates() throws Exception {
    long seed = Long.getLong("sluice.credit.seed", System.nanoTime());
    SplittableRandom seeds = new SplittableRandom(seed);
    LinkedBlockingQueue<Runnable> network = new LinkedBlockingQueue<>();
    AtomicLong duplicates = new AtomicLong();
    ManualClock clock =
        new ManualClock(); // the flush timer never fires: updates come from the ratio

    SendWindow sender = SendWindow.create(256 * 1024);
    ReceiveWindow receiver =
        ReceiveWindow.builder(clock, limit -> network.add(() -> sender.updateLimit(limit)))
            .connectionWindow(256 * 1024)
            .streamWindow(STREAM_WINDOW)
            .updateRatio(0.25)
            .flushDelay(Duration.ZERO)
            .build();
    List<SendStream> sends = new ArrayList<>();
    List<ReceiveStream> receives = new ArrayList<>();
    List<LinkedBlockingQueue<Long>> wires = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      SendStream send = sender.newStream(STREAM_WINDOW);
      sends.add(send);
      receives.add(receiver.newStream(limit -> network.add(() -> send.updateLimit(limit))));
      wires.add(new LinkedBlockingQueue<>());
    }

    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      List<Future<?>> work = new ArrayList<>();
      AtomicLong stillReading = new AtomicLong(STREAMS);
      SplittableRandom netRandom = seeds.split();
      work.add(
          threads.submit(
              () -> { // the network: reorders within a batch, sometimes twice
                List<Runnable> batch = new ArrayList<>();
                while (stillReading.get() > 0 || !network.isEmpty()) {
                  Runnable first = network.poll(1, TimeUnit.MILLISECONDS);
                  if (first == null) {
                    continue;
                  }
                  batch.add(first);
                  network.drainTo(batch);
                  Collections.shuffle(batch, new java.util.Random(netRandom.nextLong()));
                  for (Runnable update : batch) {
                    update.run();
                    if (netRandom.nextInt(4) == 0) {
                      update.run();
                      duplicates.incrementAndGet();
                    }
                  }
                  batch.clear();
                }
                return null;
              }));
      for (int i = 0; i < STREAMS; i++) {
        SendStream send = sends.get(i);
        ReceiveStream receive = receives.get(i);
        LinkedBlockingQueue<Long> wire = wires.get(i);
        SplittableRandom random = seeds.split();
        work.add(
            threads.submit(
                () -> { // a writer
                  long left = BYTES_PER_STREAM;
                  while (left > 0) {
                    long grant = send.acquire(1 + random.nextLong(Math.min(left, 20_000))).get();
                    assertThat(receive.onData(grant))
                        .as("data within the advertised limit")
                        .isTrue();
                    assertThat(receive.buffered()).isLessThanOrEqualTo(STREAM_WINDOW);
                    wire.add(grant);
                    left -= grant;
                  }
                  return null;
                }));
        boolean slow = i == 0;
        work.add(
            threads.submit(
                () -> { // a reader; stream 0 reads slowly
                  long read = 0;
                  while (read < BYTES_PER_STREAM) {
                    long bytes = wire.take();
                    if (slow) {
                      Thread.yield();
                    }
                    receive.consumed(bytes);
                    read += bytes;
                  }
                  stillReading.decrementAndGet();
                  return null;
                }));
      }
      for (Future<?> future : work) {
        future.get(55, TimeUnit.SECONDS);
      }
    } catch (Exception | AssertionError e) {
      throw new AssertionError(
          "failed with seed " + seed + " (rerun with -Dsluice.credit.seed=" + seed + ")", e);
    } finally {
      threads.shutdownNow();
    }

    for (int i = 0; i < STREAMS; i++) {
      assertThat(sends.get(i).granted()).isEqualTo(BYTES_PER_STREAM);
      assertThat(receives.get(i).buffered()).isZero();
    }
    CreditStats stats = sender.stats();
    assertThat(stats.granted()).isEqualTo(STREAMS * BYTES_PER_STREAM);
    assertThat(stats.waiting()).isZero();
    assertThat(receiver.violations()).isZero();
    assertThat(stats.staleUpdates())
        .as("every duplicate is stale")
        .isGreaterThanOrEqualTo(duplicates.get());
  }
}
