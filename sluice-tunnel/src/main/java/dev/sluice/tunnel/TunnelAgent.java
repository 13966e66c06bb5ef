package dev.sluice.tunnel;

import static dev.sluice.internal.Preconditions.checkArgument;

import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.grpc.GrpcClients;
import com.linecorp.armeria.common.SessionProtocol;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.tunnel.proto.AgentServiceGrpc;
import dev.sluice.tunnel.proto.Packet;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The tunnel agent: dials in to a {@link TunnelServer} ({@code AgentService.Connect} with the
 * {@code agentID} metadata) and keeps dialing back with exponential backoff whenever the stream
 * ends. On DIAL_REQ it dials the destination off the receive loop, with a timeout, and answers
 * DIAL_RSP (the error text on failure). Each destination connection has its own bounded queue and
 * writer, so the shared receive loop never waits on one destination; with byte credit the queue is
 * bounded by the window the agent advertised.
 *
 * <p>Thread-safe. {@link #close} cancels the stream and ends every connection; {@link #drain} ends
 * the agent gracefully.
 */
public final class TunnelAgent implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(TunnelAgent.class.getName());

  private final String agentId;
  private final LinkSettings settings;
  private final Duration dialTimeout;
  private final Duration drainTimeout;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Scheduler scheduler;
  private final AgentServiceGrpc.AgentServiceStub stub;
  private final ExecutorService executor = TunnelThreads.newPool("sluice-tunnel-agent");
  private final Object lock = new Object();
  // Guarded by lock.
  private @Nullable AgentLink current;
  private @Nullable ClientCallStreamObserver<Packet> call;
  private Duration backoff;
  private boolean closed;
  private boolean draining;
  private Scheduler.@Nullable Cancellable drainTimer;
  private long connects;

  /** Completes when {@link #close} ran. */
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  /** Completes when a tunnel first ends (a failed dial-in included); for tests. */
  final CompletableFuture<Void> firstEnd = new CompletableFuture<>();

  private TunnelAgent(Builder builder) {
    this.agentId = builder.agentId;
    this.settings =
        new LinkSettings(
            builder.window,
            builder.tunnelWindow,
            builder.maxQueuedPackets,
            builder.maxConnections,
            builder.fair,
            Ticker.system(),
            builder.updateRatio,
            builder.maxWindow);
    this.dialTimeout = builder.dialTimeout;
    this.drainTimeout = builder.drainTimeout;
    this.minBackoff = builder.minBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.scheduler = builder.scheduler;
    this.backoff = minBackoff;
    this.stub =
        GrpcClients.builder(
                SessionProtocol.HTTP, Endpoint.of(builder.serverHost, builder.serverPort))
            .addHeader("agentID", agentId)
            // The tunnel lives as long as the agent: no response timeout, no length limit.
            .responseTimeout(Duration.ZERO)
            .maxResponseLength(0)
            .build(AgentServiceGrpc.AgentServiceStub.class);
  }

  /** Starts a configuration for the server at {@code host:port}. */
  public static Builder builder(String serverHost, int serverPort) {
    return new Builder(serverHost, serverPort);
  }

  /** Dials in; returns at once (the stream opens in the background). */
  public TunnelAgent start() {
    connect();
    return this;
  }

  /** This agent's id, sent as the {@code agentID} metadata. */
  public String agentId() {
    return agentId;
  }

  /** Streams opened so far, the first included. */
  public long connects() {
    synchronized (lock) {
      return connects;
    }
  }

  /** The tunnel open now, if any; for tests. */
  @Nullable AgentLink currentLink() {
    synchronized (lock) {
      return current;
    }
  }

  /** Cancels the current stream as a network failure would; the agent dials back. For tests. */
  void dropTunnel() {
    ClientCallStreamObserver<Packet> stream;
    synchronized (lock) {
      stream = call;
    }
    if (stream != null) {
      stream.cancel("dropped", null);
    }
  }

  /**
   * Shuts the agent down gracefully, as konnectivity agents do on SIGTERM: sends DRAIN (the server
   * stops picking this agent for new dials), refuses every later DIAL_REQ with an error, lets the
   * open connections go on, and {@linkplain #close closes} once none is left or after the {@link
   * Builder#drainTimeout}, whichever comes first. The agent no longer dials back if its tunnel ends
   * meanwhile. Idempotent: a second call returns the same future and keeps the first grace.
   *
   * @return completes when the agent has closed
   */
  public CompletableFuture<Void> drain() {
    return drain(drainTimeout);
  }

  /**
   * {@link #drain()} with this {@code grace} instead of the configured {@code drainTimeout}.
   *
   * @return completes when the agent has closed
   */
  public CompletableFuture<Void> drain(Duration grace) {
    checkArgument(!grace.isNegative(), "grace: %s (expected: >= 0)", grace);
    AgentLink link;
    synchronized (lock) {
      if (closed || draining) {
        return terminated;
      }
      draining = true;
      link = current;
    }
    logger.info(() -> "agent " + agentId + ": draining (grace " + grace.toMillis() + " ms)");
    Scheduler.Cancellable timer = scheduler.schedule(this::close, grace.toNanos());
    synchronized (lock) {
      drainTimer = timer;
    }
    CompletableFuture<Void> idle =
        link == null ? CompletableFuture.completedFuture(null) : link.drain();
    var unused = idle.thenRun(this::close); // idle never fails
    if (terminated.isDone()) { // closed before the timer was stored
      timer.cancel();
    }
    return terminated;
  }

  private void connect() {
    AgentLink link = new AgentLink(executor, scheduler, settings, dialTimeout);
    synchronized (lock) {
      if (closed || draining) {
        return;
      }
      current = link;
      connects++;
    }
    stub.connect(
        new ClientResponseObserver<Packet, Packet>() {
          private boolean heardFromServer;

          @Override
          public void beforeStart(ClientCallStreamObserver<Packet> requestStream) {
            requestStream.disableAutoRequestWithInitial(1);
            requestStream.setOnReadyHandler(link.outbox::drain);
            // The client call is completed only after its response ended: inline is fine.
            link.attach(
                requestStream, requestStream::isReady, requestStream::request, Runnable::run);
            synchronized (lock) {
              call = requestStream;
            }
          }

          @Override
          public void onNext(Packet packet) {
            if (!heardFromServer) {
              heardFromServer = true;
              synchronized (lock) {
                backoff = minBackoff;
              }
            }
            link.onPacket(packet);
          }

          @Override
          public void onError(Throwable t) {
            logger.log(Level.FINE, "agent " + agentId + ": tunnel failed", t);
            ended(link);
          }

          @Override
          public void onCompleted() {
            ended(link);
          }
        });
  }

  private void ended(AgentLink link) {
    firstEnd.complete(null);
    link.close();
    link.completeOutbound();
    Duration delay;
    boolean drained;
    synchronized (lock) {
      if (closed || current != link) {
        return;
      }
      drained = draining;
      delay = backoff;
      Duration doubled = backoff.multipliedBy(2);
      backoff = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
    }
    if (drained) { // its connections ended with the tunnel: nothing left to wait for
      close();
      return;
    }
    logger.info(
        () -> "agent " + agentId + ": tunnel ended; dialing again in " + delay.toMillis() + " ms");
    scheduler.schedule(this::connect, delay.toNanos());
  }

  /** Cancels the tunnel, ends every connection, and stops dialing back. Idempotent. */
  @Override
  public void close() {
    AgentLink link;
    ClientCallStreamObserver<Packet> stream;
    Scheduler.Cancellable timer;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      link = current;
      stream = call;
      timer = drainTimer;
    }
    if (timer != null) {
      timer.cancel();
    }
    if (stream != null) {
      stream.cancel("agent closed", null);
    }
    if (link != null) {
      link.close();
    }
    executor.shutdownNow();
    terminated.complete(null);
  }

  /** Configures a {@link TunnelAgent}. Not thread-safe. */
  public static final class Builder {
    private final String serverHost;
    private final int serverPort;
    private String agentId = UUID.randomUUID().toString();
    private long window = 256 * 1024;
    private long tunnelWindow = 4 * 1024 * 1024;
    private int maxConnections = 1024;
    private boolean fair = true;
    private double updateRatio = 0.5;
    private long maxWindow;
    private int maxQueuedPackets = 150;
    private Duration dialTimeout = Duration.ofSeconds(5);
    private Duration drainTimeout = Duration.ofSeconds(10);
    private Duration minBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Scheduler scheduler = Scheduler.system();

    private Builder(String serverHost, int serverPort) {
      this.serverHost = Objects.requireNonNull(serverHost, "serverHost");
      checkArgument(
          serverPort >= 1 && serverPort <= 65535,
          "serverPort: %s (expected: 1..65535)",
          serverPort);
      this.serverPort = serverPort;
    }

    /** The {@code agentID} metadata. Default a random UUID. */
    public Builder agentId(String id) {
      checkArgument(id != null && !id.isEmpty(), "agentId: '%s' (expected: non-empty)", id);
      this.agentId = id;
      return this;
    }

    /**
     * Bytes the server may send on one connection before the destination took them (advertised in
     * DIAL_RSP); 0 turns byte credit off. Default 256 KiB.
     */
    public Builder window(long bytes) {
      checkArgument(bytes >= 0, "window: %s (expected: >= 0)", bytes);
      this.window = bytes;
      return this;
    }

    /**
     * Bytes the server may have in flight on all connections of the tunnel together (advertised in
     * DIAL_RSP; HTTP/2's connection window); 0 for no tunnel-wide limit. Default 4 MiB.
     */
    public Builder tunnelWindow(long bytes) {
      this.tunnelWindow = LinkLimits.checkWindow("tunnelWindow", bytes);
      return this;
    }

    /** Destination connections open at once; a DIAL_REQ beyond it is refused. Default 1024. */
    public Builder maxConnections(int connections) {
      this.maxConnections = LinkLimits.checkConnections(connections);
      return this;
    }

    /**
     * Whether destination data shares the stream by deficit round-robin (default) or goes out in
     * arrival order (for comparisons).
     */
    public Builder fair(boolean fair) {
      this.fair = fair;
      return this;
    }

    /**
     * Lets each connection's receive window grow from {@link #window} up to {@code bytes} when the
     * destination keeps up with a window-limited sender (it consumed a whole window within about
     * two round trips; receiver-side auto-tuning, see {@code ReceiveWindow.Builder#autoTune}). 0
     * (default) keeps the window fixed. Memory per tunnel is then bounded by {@code maxConnections}
     * times this.
     */
    public Builder maxWindow(long bytes) {
      this.maxWindow = LinkLimits.checkWindow("maxWindow", bytes);
      return this;
    }

    /**
     * The fraction of a connection's window consumed that sends a WINDOW_UPDATE. Default 0.5, as
     * HTTP/2 implementations; {@code 1.0 / packetsPerWindow} sends one per full packet, as the
     * packet-per-ACK scheme the benchmarks compare against.
     */
    Builder updateRatio(double ratio) {
      checkArgument(ratio > 0 && ratio <= 1, "updateRatio: %s (expected: in (0, 1])", ratio);
      this.updateRatio = ratio;
      return this;
    }

    /**
     * Packets queued for a destination of a connection without credit before the tunnel stops being
     * read (upstream's agent {@code --xfr-channel-size}). Default 150.
     */
    public Builder maxQueuedPackets(int packets) {
      checkArgument(packets >= 1, "maxQueuedPackets: %s (expected: >= 1)", packets);
      this.maxQueuedPackets = packets;
      return this;
    }

    /** The destination dial timeout. Default 5 s. */
    public Builder dialTimeout(Duration timeout) {
      checkArgument(
          !timeout.isNegative() && !timeout.isZero(), "dialTimeout: %s (expected: > 0)", timeout);
      this.dialTimeout = timeout;
      return this;
    }

    /**
     * How long {@link TunnelAgent#drain()} lets open connections go on before closing them. Zero
     * closes at once (after sending DRAIN). Default 10 s.
     */
    public Builder drainTimeout(Duration timeout) {
      checkArgument(!timeout.isNegative(), "drainTimeout: %s (expected: >= 0)", timeout);
      this.drainTimeout = timeout;
      return this;
    }

    /** The first and the largest wait before dialing the server again. Default 100 ms and 5 s. */
    public Builder backoff(Duration min, Duration max) {
      checkArgument(
          !min.isNegative() && !min.isZero() && max.compareTo(min) >= 0,
          "backoff: %s..%s (expected: 0 < min <= max)",
          min,
          max);
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /** Runs reconnect delays and the delayed flush of window updates. Default the system one. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Builds the agent; {@link TunnelAgent#start} dials in. */
    public TunnelAgent build() {
      LinkLimits.checkMaxWindow(maxWindow, window);
      return new TunnelAgent(this);
    }
  }
}
