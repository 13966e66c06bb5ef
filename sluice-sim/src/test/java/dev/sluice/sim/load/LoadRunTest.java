package dev.sluice.sim.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.Server;
import dev.sluice.sim.engine.EngineConfig;
import dev.sluice.sim.engine.EngineObserver;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.time.SimClocks;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadRunTest {

  private static final Duration PREFILL = Duration.ofMillis(40);
  private static final Duration ITL = Duration.ofMillis(10);

  /** A real-time simulator whose every request takes PREFILL, then ITL per further token. */
  private static SimulatorServer knownLatencySim() {
    return SimulatorServer.builder()
        .port(0)
        .engine(
            EngineConfig.builder()
                .maxNumSeqs(16)
                .prefillOverhead(PREFILL)
                .prefillPerToken(Duration.ZERO)
                .interTokenLatency(ITL)
                .build())
        .build()
        .start();
  }

  @Test
  void figuresMatchASimulatorWithKnownLatencies() {
    SimulatorServer sim = knownLatencySim();
    try {
      Tenant alice = new Tenant("alice", "alice", "premium", 10, 1, 12, 5, null, Map.of());
      Tenant bob = new Tenant("bob", "bob", null, -1, 1, 7, 3, null, Map.of());
      Tenant broken =
          new Tenant(
              "broken",
              "broken",
              null,
              -1,
              1,
              7,
              3,
              null,
              Map.of(SimulatorServer.RETURN_ERROR_HEADER, "429"));
      LoadSpec spec =
          LoadSpec.builder()
              .target("http://127.0.0.1:" + sim.port())
              .closedLoop(3)
              .maxRequests(12)
              .duration(Duration.ofSeconds(30))
              .tenant(alice)
              .tenant(bob)
              .tenant(broken)
              // Nothing can beat the prefill time, so no request meets this TTFT objective.
              .slo(new Slo(PREFILL.minusMillis(1), null, null, null, null))
              .build();

      LoadReport report = LoadRun.run(spec);

      assertThat(report.records()).hasSize(12);
      assertThat(report.total().requests()).isEqualTo(12);
      for (RequestRecord record : report.records()) {
        if (record.tenant().equals("broken")) {
          assertThat(record.status()).isEqualTo(429);
          assertThat(record.reason()).isEqualTo("rate_limit_exceeded");
          assertThat(record.succeeded()).isFalse();
          continue;
        }
        int expectedTokens = record.tenant().equals("alice") ? 5 : 3;
        assertThat(record.succeeded()).as(record.toString()).isTrue();
        assertThat(record.outputTokens()).isEqualTo(expectedTokens);
        assertThat(record.interTokenNanos()).hasSize(expectedTokens - 1);
        // Causal lower bounds: the simulator cannot emit a token before its scheduled time.
        assertThat(record.ttftNanos()).isGreaterThanOrEqualTo(PREFILL.toNanos());
        assertThat(record.e2eNanos())
            .isGreaterThanOrEqualTo(PREFILL.plus(ITL.multipliedBy(expectedTokens - 1)).toNanos());
        assertThat(record.e2eNanos()).isGreaterThanOrEqualTo(record.ttftNanos());
      }
      GroupStats broken429 = report.byTenant().get(2);
      assertThat(broken429.rejected429()).isEqualTo(broken429.requests());
      assertThat(broken429.failureReasons()).containsOnlyKeys("rate_limit_exceeded");
      int aliceCount = report.byTenant().get(0).requests();
      int bobCount = report.byTenant().get(1).requests();
      assertThat(aliceCount + bobCount + broken429.requests()).isEqualTo(12);
      assertThat(report.byPriority())
          .extracting(GroupStats::group)
          .containsExactly("priority=10", "priority=-1");
      assertThat(report.byPriority().get(0).requests()).isEqualTo(aliceCount);
      assertThat(report.total().succeeded()).isEqualTo(aliceCount + bobCount);
      assertThat(report.total().good()).isZero();
      assertThat(report.total().goodputPercent()).isZero();
      assertThat(report.total().ttftMs().p50()).isGreaterThanOrEqualTo(PREFILL.toMillis());
      assertThat(report.total().outputTokensPerSecond()).isPositive();
      assertThat(report.toJson()).contains("\"byTenant\"").doesNotContain("\"records\"");
      assertThat(ReportTable.render(report))
          .contains("alice", "bob", "broken", "priority=10", "all");
    } finally {
      sim.closeAsync();
    }
  }

  @Test
  void generousObjectivesMakeEverySuccessGood() {
    SimulatorServer sim = knownLatencySim();
    try {
      LoadSpec spec =
          LoadSpec.builder()
              .target("http://127.0.0.1:" + sim.port())
              .path("/v1/completions")
              .openLoop(200)
              .maxRequests(8)
              .tenant(Tenant.of("t", 1, 5, 2))
              .slo(
                  new Slo(
                      Duration.ofHours(1),
                      Duration.ofHours(1),
                      Duration.ofHours(1),
                      Duration.ofHours(1),
                      Duration.ofHours(1)))
              .build();
      LoadReport report = LoadRun.run(spec);
      assertThat(report.total().requests()).isEqualTo(8);
      assertThat(report.total().succeeded()).isEqualTo(8);
      assertThat(report.total().good()).isEqualTo(8);
      assertThat(report.total().goodputPercent()).isEqualTo(100.0);
      assertThat(report.records()).allSatisfy(r -> assertThat(r.outputTokens()).isEqualTo(2));
    } finally {
      sim.closeAsync();
    }
  }

  @Test
  void fullQueueRejectionsAreCountedAs429WithTheirReason() throws Exception {
    ManualClock simClock = new ManualClock();
    CountDownLatch admittedAndTwoRejected = new CountDownLatch(3);
    SimulatorServer sim =
        SimulatorServer.builder()
            .port(0)
            .engine(EngineConfig.builder().maxNumSeqs(1).maxWaitingQueueLength(0).build())
            .scheduler(SimClocks.of(simClock))
            .observer(
                new EngineObserver() {
                  @Override
                  public void onAdmitted(long id) {
                    admittedAndTwoRejected.countDown();
                  }

                  @Override
                  public void onRejected(String reason) {
                    admittedAndTwoRejected.countDown();
                  }
                })
            .build()
            .start();
    try {
      // Three at once against one slot and no queue: the simulator's clock stands still, so
      // the first holds the slot until the test moves time, and the other two must get 429.
      LoadSpec spec =
          LoadSpec.builder()
              .target("http://127.0.0.1:" + sim.port())
              .closedLoop(3)
              .maxRequests(3)
              .tenant(Tenant.of("t", 1, 4, 2))
              .build();
      CompletableFuture<LoadReport> run = CompletableFuture.supplyAsync(() -> LoadRun.run(spec));
      assertThat(admittedAndTwoRejected.await(10, TimeUnit.SECONDS)).isTrue();
      simClock.advance(Duration.ofSeconds(5));
      LoadReport report = run.get(10, TimeUnit.SECONDS);
      assertThat(report.total().succeeded()).isEqualTo(1);
      assertThat(report.total().rejected429()).isEqualTo(2);
      assertThat(report.total().failureReasons()).containsEntry("queue_full", 2);
    } finally {
      sim.closeAsync();
    }
  }

  @Test
  void outcomeHeaderNamesTheRejectionReason() {
    Server gateway =
        Server.builder()
            .http(new java.net.InetSocketAddress("127.0.0.1", 0))
            .service(
                "/v1/chat/completions",
                (ctx, req) ->
                    HttpResponse.of(
                        ResponseHeaders.builder(HttpStatus.SERVICE_UNAVAILABLE)
                            .contentType(MediaType.JSON_UTF_8)
                            .add(LoadRun.OUTCOME_HEADER, "rejected-saturated")
                            .build(),
                        com.linecorp.armeria.common.HttpData.ofUtf8(
                            "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\"}}")))
            .build();
    gateway.start().join();
    try {
      LoadSpec spec =
          LoadSpec.builder()
              .target("http://127.0.0.1:" + gateway.activeLocalPort())
              .closedLoop(1)
              .maxRequests(2)
              .tenant(Tenant.of("t", 1, 4, 2))
              .build();
      LoadReport report = LoadRun.run(spec);
      assertThat(report.total().rejected503()).isEqualTo(2);
      assertThat(report.total().failureReasons())
          .containsExactly(Map.entry("rejected-saturated", 2));
    } finally {
      gateway.stop();
    }
  }

  @Test
  void refusesNonLoopbackTargetsUnlessAllowed() {
    LoadSpec remote =
        LoadSpec.builder().target("http://192.0.2.1:8001").tenant(Tenant.of("t", 1, 1, 1)).build();
    assertThatThrownBy(() -> LoadRun.run(remote))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback");
    LoadSpec local =
        LoadSpec.builder().target("http://localhost:8001").tenant(Tenant.of("t", 1, 1, 1)).build();
    LoadRun.checkTarget(local); // does not throw
  }

  @Test
  void percentilesInterpolateBetweenRanks() {
    long[] ms = new long[101];
    for (int i = 0; i <= 100; i++) {
      ms[i] = i * 1_000_000L;
    }
    Percentiles p = Percentiles.ofNanos(ms);
    assertThat(p.p50()).isEqualTo(50.0);
    assertThat(p.p90()).isEqualTo(90.0);
    assertThat(p.p99()).isEqualTo(99.0);
    Percentiles two = Percentiles.ofNanos(new long[] {10_000_000L, 20_000_000L});
    assertThat(two.p50()).isEqualTo(15.0);
    assertThat(two.p90()).isEqualTo(19.0);
    assertThat(Percentiles.ofNanos(new long[0]).p50()).isNull();
  }

  @Test
  void sloChecksEveryObjectiveOnSuccessfulRequestsOnly() {
    // TTFT 100 ms, then 4 tokens 50 ms apart: e2e 250 ms, TPOT 50 ms, NTPOT 50 ms.
    long ms = 1_000_000L;
    RequestRecord ok =
        new RequestRecord(
            "t",
            0,
            200,
            null,
            true,
            100 * ms,
            new long[] {50 * ms, 50 * ms, 50 * ms, 50 * ms},
            300 * ms,
            5);
    assertThat(ok.tpotNanos()).isEqualTo(50 * ms);
    assertThat(ok.ntpotNanos()).isEqualTo(60 * ms);
    assertThat(
            new Slo(
                    Duration.ofMillis(100),
                    Duration.ofMillis(50),
                    Duration.ofMillis(50),
                    Duration.ofMillis(60),
                    Duration.ofMillis(300))
                .isMetBy(ok))
        .isTrue();
    assertThat(new Slo(Duration.ofMillis(99), null, null, null, null).isMetBy(ok)).isFalse();
    assertThat(new Slo(null, Duration.ofMillis(49), null, null, null).isMetBy(ok)).isFalse();
    assertThat(new Slo(null, null, Duration.ofMillis(49), null, null).isMetBy(ok)).isFalse();
    assertThat(new Slo(null, null, null, Duration.ofMillis(59), null).isMetBy(ok)).isFalse();
    assertThat(new Slo(null, null, null, null, Duration.ofMillis(299)).isMetBy(ok)).isFalse();
    RequestRecord failed = new RequestRecord("t", 0, 503, "x", false, -1, new long[0], ms, 0);
    assertThat(Slo.NONE.isMetBy(failed)).isFalse();
    GroupStats stats = GroupStats.of("t", List.of(ok, failed), 2.0, r -> Slo.NONE);
    assertThat(stats.good()).isEqualTo(1);
    assertThat(stats.goodputPercent()).isEqualTo(50.0);
    assertThat(stats.goodputPerSecond()).isEqualTo(0.5);
    assertThat(stats.rejected503()).isEqualTo(1);
  }
}
