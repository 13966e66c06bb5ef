package dev.sluice.examples;

import dev.sluice.flow.Admission;
import dev.sluice.flow.BandConfig;
import dev.sluice.flow.FlowControlException;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The flow controller in front of a saturated backend, against a plain FIFO concurrency limit (what
 * a {@code Semaphore} gives). Four tenants share a backend that serves 8 requests at a time, 50 ms
 * each (160 requests/s): a premium tenant, two standard tenants one of which sends ten times as
 * much, and a sheddable batch tenant; together they offer about 3.5 times what the backend can do.
 * The same seeded arrivals run through both, in real time, and the per-tenant results print side by
 * side.
 *
 * <p>Run it with {@code ./sluice example [--seconds N] [--seed S]}.
 */
public final class FairnessDemo {

  static final int BACKEND_SLOTS = 8;
  static final long SERVICE_MILLIS = 50;

  /** One tenant's traffic. */
  record Tenant(String name, int priority, double ratePerSecond) {}

  static final List<Tenant> TENANTS =
      List.of(
          new Tenant("premium", 10, 20),
          new Tenant("standard-a", 0, 40),
          new Tenant("standard-b (10x)", 0, 400),
          new Tenant("batch (sheddable)", -1, 100));

  /** What happened to one tenant's requests. */
  static final class TenantResult {
    int sent;
    int served;
    int rejected;
    int stillWaiting;
    final List<Long> waitsMillis = Collections.synchronizedList(new ArrayList<>());

    double percentile(double p) {
      List<Long> sorted;
      synchronized (waitsMillis) {
        sorted = new ArrayList<>(waitsMillis);
      }
      if (sorted.isEmpty()) {
        return Double.NaN;
      }
      Collections.sort(sorted);
      return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }
  }

  /** One arrival: when and whose. */
  record Arrival(long atMillis, Tenant tenant) {}

  private FairnessDemo() {}

  /** Entry point. */
  public static void main(String[] args) throws InterruptedException {
    int seconds = 6;
    long seed = 42;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds":
          seconds = Integer.parseInt(requireValue(args, ++i, "--seconds"));
          break;
        case "--seed":
          seed = Long.parseLong(requireValue(args, ++i, "--seed"));
          break;
        default:
          System.err.println("unknown option: " + args[i] + " (expected: --seconds N, --seed S)");
          System.exit(2);
      }
    }
    if (seconds < 1 || seconds > 600) {
      System.err.println("--seconds: " + seconds + " (expected: 1 to 600)");
      System.exit(2);
    }
    run(seconds, seed, System.out);
  }

  private static String requireValue(String[] args, int index, String option) {
    if (index >= args.length) {
      System.err.println(option + ": missing value");
      System.exit(2);
    }
    return args[index];
  }

  /** Runs both variants for {@code seconds} each and prints the comparison. */
  static Map<String, Map<String, TenantResult>> run(int seconds, long seed, PrintStream out)
      throws InterruptedException {
    List<Arrival> arrivals = arrivals(seconds, seed);
    out.printf(
        Locale.ROOT,
        "Backend: %d slots x %d ms = %d req/s. Offered: %d requests in %d s "
            + "(%.1fx capacity).%n",
        BACKEND_SLOTS,
        SERVICE_MILLIS,
        BACKEND_SLOTS * 1000 / SERVICE_MILLIS,
        arrivals.size(),
        seconds,
        arrivals.size() / (double) seconds / (BACKEND_SLOTS * 1000.0 / SERVICE_MILLIS));
    out.println("Running the same arrivals through Sluice, then through a FIFO limit ...");
    Map<String, TenantResult> sluice = runSluice(arrivals, seconds);
    Map<String, TenantResult> fifo = runFifo(arrivals, seconds);
    print(out, sluice, fifo);
    Map<String, Map<String, TenantResult>> results = new LinkedHashMap<>();
    results.put("sluice", sluice);
    results.put("fifo", fifo);
    return results;
  }

  static List<Arrival> arrivals(int seconds, long seed) {
    Random random = new Random(seed);
    List<Arrival> arrivals = new ArrayList<>();
    for (Tenant tenant : TENANTS) {
      double at = 0;
      while (true) {
        at += -Math.log(1 - random.nextDouble()) * 1000 / tenant.ratePerSecond();
        if (at >= seconds * 1000.0) {
          break;
        }
        arrivals.add(new Arrival((long) at, tenant));
      }
    }
    arrivals.sort((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
    return arrivals;
  }

  private static Map<String, TenantResult> emptyResults() {
    Map<String, TenantResult> results = new LinkedHashMap<>();
    for (Tenant tenant : TENANTS) {
      results.put(tenant.name(), new TenantResult());
    }
    return results;
  }

  // The scheduled tasks' futures are not needed: every task ends the run through the latch.
  @SuppressWarnings("FutureReturnValueIgnored")
  private static Map<String, TenantResult> runSluice(List<Arrival> arrivals, int seconds)
      throws InterruptedException {
    Map<String, TenantResult> results = emptyResults();
    ScheduledExecutorService backend = Executors.newScheduledThreadPool(2);
    FlowController controller =
        FlowController.create(
            FlowControllerConfig.builder()
                .saturationDetector(ConcurrencyDetector.ofRequests(BACKEND_SLOTS))
                .bands(
                    BandConfig.of(10),
                    BandConfig.of(0),
                    BandConfig.builder(-1).maxRequests(50).build())
                .rejectSheddableWhenSaturated(true)
                .defaultTtl(Duration.ofSeconds(2))
                .build());
    CountDownLatch done = new CountDownLatch(arrivals.size());
    for (Arrival arrival : arrivals) {
      backend.schedule(
          () -> {
            TenantResult result = resultOf(results, arrival.tenant().name());
            synchronized (result) {
              result.sent++;
            }
            FlowRequest request =
                FlowRequest.of(FlowKey.of(arrival.tenant().name(), arrival.tenant().priority()));
            controller
                .submit(request)
                .whenComplete(
                    (admission, failure) -> {
                      if (failure != null) {
                        synchronized (result) {
                          result.rejected += failure instanceof FlowControlException ? 1 : 0;
                        }
                        done.countDown();
                        return;
                      }
                      result.waitsMillis.add(
                          TimeUnit.NANOSECONDS.toMillis(admission.queueWaitNanos()));
                      backend.schedule(
                          () -> finish(admission, result, done),
                          SERVICE_MILLIS,
                          TimeUnit.MILLISECONDS);
                    });
          },
          arrival.atMillis(),
          TimeUnit.MILLISECONDS);
    }
    done.await(seconds + 5L, TimeUnit.SECONDS);
    controller.close();
    backend.shutdownNow();
    countWaiting(results);
    return results;
  }

  private static void finish(Admission admission, TenantResult result, CountDownLatch done) {
    admission.close();
    synchronized (result) {
      result.served++;
    }
    done.countDown();
  }

  /** The baseline: one FIFO queue in front of the same number of slots, no priorities, no TTL. */
  @SuppressWarnings("FutureReturnValueIgnored") // as in runSluice
  private static Map<String, TenantResult> runFifo(List<Arrival> arrivals, int seconds)
      throws InterruptedException {
    Map<String, TenantResult> results = emptyResults();
    ScheduledExecutorService backend = Executors.newSingleThreadScheduledExecutor();
    ArrayDeque<long[]> queue = new ArrayDeque<>(); // {arrival nanos, tenant index}
    int[] free = {BACKEND_SLOTS};
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          while (free[0] > 0 && !queue.isEmpty()) {
            long[] next = queue.poll();
            free[0]--;
            TenantResult result = resultOf(results, TENANTS.get((int) next[1]).name());
            result.waitsMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - next[0]));
            backend.schedule(
                () -> {
                  free[0]++;
                  synchronized (result) {
                    result.served++;
                  }
                  pump[0].run();
                },
                SERVICE_MILLIS,
                TimeUnit.MILLISECONDS);
          }
        };
    for (Arrival arrival : arrivals) {
      backend.schedule(
          () -> {
            TenantResult result = resultOf(results, arrival.tenant().name());
            synchronized (result) {
              result.sent++;
            }
            queue.add(new long[] {System.nanoTime(), TENANTS.indexOf(arrival.tenant())});
            pump[0].run();
          },
          arrival.atMillis(),
          TimeUnit.MILLISECONDS);
    }
    // The FIFO queue never drains: stop after the run plus the 2 s Sluice gives its TTL.
    CountDownLatch stop = new CountDownLatch(1);
    backend.schedule(stop::countDown, seconds + 2L, TimeUnit.SECONDS);
    stop.await();
    backend.shutdownNow();
    backend.awaitTermination(5, TimeUnit.SECONDS);
    countWaiting(results);
    return results;
  }

  private static void countWaiting(Map<String, TenantResult> results) {
    for (TenantResult result : results.values()) {
      synchronized (result) {
        result.stillWaiting = Math.max(0, result.sent - result.served - result.rejected);
      }
    }
  }

  /** The result of {@code tenant}: every tenant has one from the start. */
  private static TenantResult resultOf(Map<String, TenantResult> results, String tenant) {
    return java.util.Objects.requireNonNull(results.get(tenant), tenant);
  }

  static void print(
      PrintStream out, Map<String, TenantResult> sluice, Map<String, TenantResult> fifo) {
    out.println();
    out.printf(
        Locale.ROOT,
        "%-24s | %-38s | %-38s%n",
        "",
        "Sluice (priority + fairness)",
        "FIFO limit (no flow control)");
    String columns =
        String.format(
            Locale.ROOT, "%6s %6s %7s %7s %9s", "served", "shed", "waiting", "p50 ms", "p99 ms");
    out.printf(Locale.ROOT, "%-24s | %-38s | %-38s%n", "tenant (sent)", columns, columns);
    out.println("-".repeat(24) + "-+-" + "-".repeat(38) + "-+-" + "-".repeat(38));
    for (Tenant tenant : TENANTS) {
      TenantResult a = resultOf(sluice, tenant.name());
      TenantResult b = resultOf(fifo, tenant.name());
      out.printf(
          Locale.ROOT,
          "%-24s | %-38s | %-38s%n",
          tenant.name() + " (" + a.sent + ")",
          row(a),
          row(b));
    }
    out.println();
    out.println(
        "served = finished on the backend; shed = rejected or timed out by the controller (fast, "
            + "honest answers);");
    out.println(
        "waiting = still queued when the run ended; p50/p99 = queue wait of the served requests.");
  }

  private static String row(TenantResult result) {
    return String.format(
        Locale.ROOT,
        "%6d %6d %7d %7s %9s",
        result.served,
        result.rejected,
        result.stillWaiting,
        format(result.percentile(0.50)),
        format(result.percentile(0.99)));
  }

  private static String format(double millis) {
    return Double.isNaN(millis) ? "-" : String.format(Locale.ROOT, "%.0f", millis);
  }
}
