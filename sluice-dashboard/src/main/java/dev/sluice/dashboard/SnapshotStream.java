package dev.sluice.dashboard;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.sse.ServerSentEvent;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.common.stream.StreamWriter;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.streaming.ServerSentEvents;
import dev.sluice.flow.Scheduler;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Pushes a snapshot (a JSON document) to every open dashboard page by server-sent events: one
 * snapshot per {@code interval}, taken once and written to every subscriber, only while there is
 * one. A page that opens gets the latest snapshot at once. A subscriber still reading the previous
 * event skips the next ones, so a slow reader costs at most one event of memory; the event's {@code
 * retry} field tells the browser's {@code EventSource} to reconnect after a second when the
 * connection drops (for example when the server restarts).
 *
 * <p>The snapshot supplier runs on {@code executor}, never on the scheduler's thread, and never
 * concurrently with itself. Thread-safe. {@link #close()} ends every stream and stops the ticks.
 */
public final class SnapshotStream implements AutoCloseable {

  /** How soon a browser reconnects after the stream drops. */
  public static final Duration RETRY = Duration.ofSeconds(1);

  private final Supplier<String> snapshot;
  private final Scheduler scheduler;
  private final Executor executor;
  private final long intervalNanos;
  private final Map<StreamWriter<ServerSentEvent>, AtomicBoolean> subscribers =
      new ConcurrentHashMap<>();
  private @Nullable String latest; // guarded by this
  private boolean ticking; // guarded by this
  private boolean closed; // guarded by this

  /**
   * Takes {@code snapshot} every {@code interval} on {@code executor}, timed by {@code scheduler},
   * while a page is open.
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public SnapshotStream(
      Supplier<String> snapshot, Scheduler scheduler, Executor executor, Duration interval) {
    this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.executor = Objects.requireNonNull(executor, "executor");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
    }
    this.intervalNanos = interval.toNanos();
  }

  /** The {@code GET} service answering {@code text/event-stream}; one stream per request. */
  public HttpService service() {
    return (ctx, req) -> {
      ctx.clearRequestTimeout();
      return subscribe();
    };
  }

  /** Open streams now. */
  public int subscribers() {
    return subscribers.size();
  }

  private HttpResponse subscribe() {
    StreamWriter<ServerSentEvent> writer = StreamMessage.streaming();
    String first;
    boolean start;
    synchronized (this) {
      if (closed) {
        writer.close();
        return ServerSentEvents.fromPublisher(writer);
      }
      subscribers.put(writer, new AtomicBoolean());
      first = latest;
      start = !ticking;
      ticking = true;
    }
    CompletableFuture<Void> unused =
        writer.whenComplete().whenComplete((ignored, cause) -> subscribers.remove(writer));
    if (first != null) {
      send(writer, first);
    }
    if (start) {
      executor.execute(this::tick);
    }
    return ServerSentEvents.fromPublisher(writer);
  }

  /** Takes a snapshot, writes it to every subscriber, and schedules the next one. */
  private void tick() {
    synchronized (this) {
      if (closed || subscribers.isEmpty()) {
        ticking = false;
        return;
      }
    }
    String next = snapshot.get();
    synchronized (this) {
      latest = next;
      if (closed) {
        return;
      }
    }
    subscribers.keySet().forEach(writer -> send(writer, next));
    Scheduler.Cancellable unused =
        scheduler.schedule(() -> executor.execute(this::tick), intervalNanos);
  }

  private void send(StreamWriter<ServerSentEvent> writer, String data) {
    AtomicBoolean busy = subscribers.get(writer);
    if (busy == null || !busy.compareAndSet(false, true)) {
      return; // gone, or still reading the last one
    }
    ServerSentEvent event = ServerSentEvent.builder().retry(RETRY).data(data).build();
    if (writer.tryWrite(event)) {
      CompletableFuture<Void> unused = writer.whenConsumed().thenRun(() -> busy.set(false));
    } else {
      subscribers.remove(writer);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    subscribers.keySet().forEach(StreamWriter::close);
    subscribers.clear();
  }
}
