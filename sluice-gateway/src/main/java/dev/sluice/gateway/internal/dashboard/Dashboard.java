package dev.sluice.gateway.internal.dashboard;

import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.server.ServerBuilder;
import dev.sluice.dashboard.DashboardService;
import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.gateway.internal.pool.EndpointPool;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The live dashboard on the gateway's admin port: sluice-dashboard's page at {@code /} ({@link
 * DashboardService}, the same page as the tunnel's and the pipeline's), fed at {@code
 * /dashboard/events} one {@link DashboardSnapshot} per second while a page is open, with the
 * {@value #TOP_FLOWS} busiest flows and the rest folded into one row.
 *
 * <p>Feed it the controller's events through {@link #listener()}, {@link #addTo} the admin server,
 * and {@link #close()} it with the gateway. Thread-safe.
 */
public final class Dashboard implements AutoCloseable {

  /** The path of the event stream. */
  public static final String EVENTS = DashboardService.EVENTS;

  /** Flows listed by name; the others are summed into one row. */
  public static final int TOP_FLOWS = 20;

  /** How often an open page gets a snapshot. */
  public static final Duration INTERVAL = DashboardService.INTERVAL;

  private final EndpointPool pool;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final WaitHistograms waits = new WaitHistograms();
  private @Nullable DashboardService service;

  /** A dashboard of {@code pool}, timed by {@code ticker} and {@code scheduler}. */
  public Dashboard(EndpointPool pool, Ticker ticker, Scheduler scheduler) {
    this.pool = pool;
    this.ticker = ticker;
    this.scheduler = scheduler;
  }

  /** The listener that records queue waits for the percentiles; add it to the controller's. */
  public FlowControlListener listener() {
    return waits;
  }

  /** Registers the page, its assets and the stream of {@code controller}'s snapshots. */
  public synchronized void addTo(ServerBuilder admin, FlowController controller) {
    DashboardSnapshot snapshot = new DashboardSnapshot(pool, waits, ticker, TOP_FLOWS);
    this.service =
        DashboardService.addTo(
            admin,
            () -> snapshot.render(controller.stats()),
            scheduler,
            CommonPools.blockingTaskExecutor());
  }

  /** Open event streams, for tests. */
  public synchronized int subscribers() {
    return service == null ? 0 : service.subscribers();
  }

  /** Ends every open stream. */
  @Override
  public synchronized void close() {
    if (service != null) {
      service.close();
    }
  }
}
