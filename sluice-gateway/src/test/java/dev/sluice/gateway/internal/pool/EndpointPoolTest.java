package dev.sluice.gateway.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.ClientFactory;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.flow.saturation.UtilizationDetector.EndpointMetrics;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pool's gates, driven directly: no scraping, metrics set by the test. */
class EndpointPoolTest {

  private final ManualClock clock = new ManualClock();

  private EndpointPool pool(String saturation, ClientFactory factory) {
    GatewayConfig config =
        GatewayConfig.parse(
            "backends: [http://127.0.0.1:1, http://127.0.0.1:2]\n"
                + "saturation: "
                + saturation
                + "\n");
    EndpointPool pool = new EndpointPool(config, clock, (Scheduler) clock, factory);
    for (Endpoint endpoint : pool.endpoints()) {
      pool.metrics().update(new EndpointMetrics(endpoint.name(), 0, 0, clock.read()));
    }
    return pool;
  }

  private static FlowRequest request(int i) {
    return FlowRequest.builder(FlowKey.of("t" + (i % 3))).payload(new Placement("m")).build();
  }

  /** Before the gate counted and checked in one step, this saw 5 in flight (a run at b4cc7e4). */
  @Test
  void theConcurrencyGateNeverOvershootsUnderConcurrentDispatchers() throws Exception {
    try (ClientFactory factory = ClientFactory.builder().build()) {
      EndpointPool pool = pool("{detector: concurrency, maxConcurrency: 4}", factory);
      SaturationDetector gate = pool.gate();
      AtomicInteger running = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int base = t * 1_000_000;
        threads.add(
            new Thread(
                () -> {
                  try {
                    start.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  for (int i = 0; i < 200_000; i++) {
                    FlowRequest request = request(base + i);
                    if (gate.tryDispatch(request, 1.0)) {
                      most.accumulateAndGet(running.incrementAndGet(), Math::max);
                      running.decrementAndGet();
                      gate.onFinished(request);
                    }
                  }
                }));
      }
      threads.forEach(Thread::start);
      start.countDown();
      for (Thread thread : threads) {
        thread.join();
      }
      assertThat(most.get()).isBetween(1, 4);
      assertThat(pool.endpoints().stream().mapToInt(Endpoint::inFlight).sum()).isZero();
    }
  }

  @Test
  void aDispatchReservesItsEndpointAndTheCloseGivesItBack() {
    try (ClientFactory factory = ClientFactory.builder().build()) {
      EndpointPool pool = pool("{detector: concurrency, maxConcurrency: 4}", factory);
      FlowRequest request = request(0);
      assertThat(pool.gate().tryDispatch(request, 1.0)).isTrue();
      Endpoint endpoint = pool.placed(request);
      assertThat(endpoint).isNotNull();
      assertThat(endpoint.inFlight()).isEqualTo(1);
      pool.gate().onFinished(request);
      assertThat(endpoint.inFlight()).isZero();
      assertThat(pool.placed(request)).isNull();
    }
  }

  @Test
  void noGateDispatchesWhileNoEndpointIsFresh() {
    try (ClientFactory factory = ClientFactory.builder().build()) {
      for (String saturation :
          List.of("{detector: slots}", "{detector: utilization}", "{detector: concurrency}")) {
        EndpointPool pool = pool(saturation, factory);
        clock.advance(java.time.Duration.ofSeconds(1)); // past the staleness threshold
        FlowRequest request = request(0);
        assertThat(pool.gate().tryDispatch(request, 1.0)).as(saturation).isFalse();
        assertThat(pool.placed(request)).isNull();
        assertThat(pool.endpoints()).allSatisfy(e -> assertThat(e.inFlight()).isZero());
      }
    }
  }
}
