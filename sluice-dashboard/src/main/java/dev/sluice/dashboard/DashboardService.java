package dev.sluice.dashboard;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.file.FileService;
import dev.sluice.flow.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The live dashboard on an admin port, the same page for every Sluice product: {@code GET /} serves
 * the page, {@code /dashboard/} its script and style sheet (all from this jar; no CDN, works
 * offline), and {@value #EVENTS} a {@link SnapshotStream} of the product's {@link Snapshot}s, one
 * per {@link #INTERVAL} while a page is open. The page renders whatever tables, chart and gate the
 * snapshots carry; the product decides what they are.
 *
 * <p>Thread-safe. {@link #close()} ends every open stream; close it before the admin server stops.
 */
public final class DashboardService implements AutoCloseable {

  /** The path of the event stream. */
  public static final String EVENTS = "/dashboard/events";

  /** How often an open page gets a snapshot. */
  public static final Duration INTERVAL = Duration.ofSeconds(1);

  /** Where the page's files are in this jar. */
  static final String ASSETS = "dev/sluice/dashboard";

  private final SnapshotStream stream;

  private DashboardService(SnapshotStream stream) {
    this.stream = stream;
  }

  /**
   * Registers the page, its assets and the stream on {@code admin}.
   *
   * @param admin the admin server being built; {@code /} and {@code /dashboard/} must be free
   * @param snapshot renders the JSON of one {@link Snapshot}; called on {@code executor}, one call
   *     at a time
   * @param scheduler times the snapshots
   * @param executor runs {@code snapshot}, never on the scheduler's thread
   * @return the dashboard, to {@link #close()} with the server
   */
  public static DashboardService addTo(
      ServerBuilder admin, Supplier<String> snapshot, Scheduler scheduler, Executor executor) {
    SnapshotStream stream = new SnapshotStream(snapshot, scheduler, executor, INTERVAL);
    FileService assets = FileService.of(DashboardService.class.getClassLoader(), ASSETS);
    admin
        .service(Route.builder().path(EVENTS).methods(HttpMethod.GET).build(), stream.service())
        .service(Route.builder().path("/").methods(HttpMethod.GET, HttpMethod.HEAD).build(), assets)
        .serviceUnder("/dashboard/", assets);
    return new DashboardService(stream);
  }

  /** Open event streams now. */
  public int subscribers() {
    return stream.subscribers();
  }

  /** Ends every open stream and stops the snapshots. Idempotent. */
  @Override
  public void close() {
    stream.close();
  }
}
