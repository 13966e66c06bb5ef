package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * konnectivity's DRAIN over loopback: a draining agent gets no new dials while its open connections
 * go on, refuses dials that still reach it, and closes once its connections ended or its grace ran
 * out.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DrainTest {

  private static TunnelServer server;
  private final Loopback loopback = new Loopback();
  private TunnelAgent leaving;
  private TunnelAgent staying;
  private int echo;

  @BeforeAll
  static void startServer() {
    server = TunnelServer.builder().build().start();
  }

  @AfterAll
  static void stopServer() {
    server.closeAsync(); // not joined: the next test binds a new port
  }

  @BeforeEach
  void start() throws Exception {
    leaving = agent("leaving");
    echo = loopback.echoServer();
  }

  private TunnelAgent agent(String id) throws InterruptedException {
    int before = server.agentCount();
    TunnelAgent agent =
        TunnelAgent.builder("127.0.0.1", server.agentPort()).agentId(id).build().start();
    assertThat(server.awaitAgents(before + 1, Duration.ofSeconds(10))).isTrue();
    return agent;
  }

  @AfterEach
  void stop() throws Exception {
    leaving.close();
    if (staying != null) {
      staying.close();
    }
    loopback.close();
    assertThat(server.awaitNoAgents(Duration.ofSeconds(10))).isTrue();
  }

  private ServerLink link(String agentId) {
    return server.links().stream().filter(l -> l.agentId.equals(agentId)).findFirst().orElseThrow();
  }

  private Loopback.Connect connect() throws Exception {
    Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
    assertThat(connect.status()).as(connect.head()).isEqualTo(200);
    return connect;
  }

  @Test
  void newDialsGoToOtherAgentsWhileOpenConnectionsFinishThenTheAgentLeaves() throws Exception {
    Loopback.Connect old = connect(); // the only agent carries it
    staying = agent("staying");
    ServerLink leavingLink = link("leaving");

    CompletableFuture<Void> gone = leaving.drain(Duration.ofSeconds(50));
    leavingLink.drainAnnounced.get(10, TimeUnit.SECONDS);
    assertThat(leavingLink.isDraining()).isTrue();

    for (int i = 0; i < 4; i++) { // round-robin would give the leaving agent two of them
      loopback.echo(connect().socket(), 1024);
    }
    assertThat(leavingLink.pipes).hasSize(1);
    assertThat(link("staying").pipes).hasSize(4);

    loopback.echo(old.socket(), 256 * 1024); // the open connection still works
    assertThat(gone).isNotDone();

    old.socket().close(); // its last connection ends: the agent closes long before its grace
    gone.get(20, TimeUnit.SECONDS);
    leavingLink.closedFuture.get(10, TimeUnit.SECONDS); // the server saw the stream end
    assertThat(server.links()).extracting(l -> l.agentId).containsExactly("staying");
    assertThat(leaving.connects()).as("a drained agent does not dial back").isEqualTo(1);
  }

  @Test
  void withOnlyDrainingAgentsTheDialFailsNamingTheDrain() throws Exception {
    Loopback.Connect old = connect();
    CompletableFuture<Void> gone = leaving.drain(Duration.ofSeconds(50));
    link("leaving").drainAnnounced.get(10, TimeUnit.SECONDS);

    String noBackend = MetricsTest.PREFIX + "dial_failure_count_total{reason=\"no_backend\"}";
    double before = MetricsTest.value(server.scrape(), noBackend);
    Loopback.Connect refused = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.body()).contains("the connected agent is draining");
    assertThat(MetricsTest.value(server.scrape(), noBackend)).isEqualTo(before + 1);

    loopback.echo(old.socket(), 64 * 1024);
    assertThat(gone).isNotDone();
  }

  @Test
  void aDialThatStillReachesTheDrainingAgentIsRefusedWithDialRspError() throws Exception {
    Loopback.Connect old = connect();
    ServerLink link = link("leaving");
    CompletableFuture<Void> gone = leaving.drain(Duration.ofSeconds(50));
    link.drainAnnounced.get(10, TimeUnit.SECONDS);

    // As a dial sent before the server read DRAIN: straight to the link, past the agent picker.
    ServerLink.Dial dial = link.dial("127.0.0.1:" + echo, Endpoint.of(new java.net.Socket()));
    assertThatThrownBy(() -> dial.result().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ServerLink.DialFailedException.class)
        .hasMessageContaining("the agent is draining");
    assertThat(gone).isNotDone();
    old.socket().close();
    gone.get(20, TimeUnit.SECONDS);
  }

  @Test
  void theGraceTimeoutEndsConnectionsThatDoNotFinish() throws Exception {
    Loopback.Connect old = connect();
    leaving.drain(Duration.ofMillis(200)).get(20, TimeUnit.SECONDS);
    assertThat(old.socket().getInputStream().read()).as("the client sees the end").isEqualTo(-1);
    assertThat(server.awaitNoAgents(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void drainWithoutConnectionsClosesAtOnceAndIsIdempotent() throws Exception {
    CompletableFuture<Void> gone = leaving.drain(Duration.ofSeconds(50));
    gone.get(20, TimeUnit.SECONDS);
    assertThat(leaving.drain()).isSameAs(gone);
    assertThat(server.awaitNoAgents(Duration.ofSeconds(10))).isTrue();
    assertThatThrownBy(() -> leaving.drain(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("grace: PT-0.001S (expected: >= 0)");
  }
}
