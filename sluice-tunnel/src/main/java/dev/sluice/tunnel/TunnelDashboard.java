package dev.sluice.tunnel;

import dev.sluice.dashboard.Rates;
import dev.sluice.dashboard.Snapshot;
import dev.sluice.dashboard.TopN;
import dev.sluice.flow.Ticker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the tunnel server's dashboard shows (sluice-dashboard's page on the admin port), as one
 * {@link Snapshot}: the agents (gate open while one is connected), the bytes per second each way,
 * per agent its connections, bytes, buffers and credit, the {@code limit} busiest connections by
 * bytes per second (the rest folded into one row) with their bytes each way, send window left and
 * time blocked on credit, and the dials with their failures by reason. The numbers are {@link
 * TunnelMetrics}' and the tunnels' own; rates are {@link Rates} between snapshots.
 *
 * <p>Rows carry {@code data-agent} (agents), {@code data-connection} ({@code agent/connectID}) and
 * {@code data-reason} (dials). Not thread-safe: one snapshot at a time.
 */
final class TunnelDashboard {

  /** Connections listed by name; the others are summed into one row. */
  static final int TOP_CONNECTIONS = 20;

  private static final Comparator<Row> BUSIEST =
      Comparator.comparingDouble(Row::rate)
          .reversed()
          .thenComparing(Comparator.comparingLong(Row::bytes).reversed())
          .thenComparing(r -> r.link().agentId)
          .thenComparingLong(r -> r.pipe().connectId);

  private final Agents agents;
  private final TunnelMetrics metrics;
  private final int limit;
  private final Rates<Object> sent;
  private final Rates<Object> received;

  TunnelDashboard(Agents agents, TunnelMetrics metrics, Ticker ticker, int limit) {
    this.agents = agents;
    this.metrics = metrics;
    this.limit = limit;
    this.sent = new Rates<>(ticker);
    this.received = new Rates<>(ticker);
  }

  private record Row(ServerLink link, Pipe pipe, double toAgent, double fromAgent) {
    double rate() {
      return toAgent + fromAgent;
    }

    long bytes() {
      return pipe.stats.sent() + pipe.stats.received();
    }
  }

  /** The snapshot now, as JSON. */
  String render() {
    sent.next();
    received.next();
    List<ServerLink> links = agents.links();
    long connections = 0;
    for (ServerLink link : links) {
      connections += link.pipes.size();
    }
    long failed = 0;
    for (Dialer.Failure failure : Dialer.Failure.values()) {
      failed += metrics.dialFailures(failure);
    }
    Snapshot snapshot =
        new Snapshot("Sluice tunnel")
            .link("/metrics")
            .gate(
                !links.isEmpty(),
                links.isEmpty()
                    ? "no agent connected"
                    : links.size() + (links.size() == 1 ? " agent ready" : " agents ready"))
            .totals(
                "connections "
                    + connections
                    + ", dials "
                    + metrics.dials()
                    + " ok, "
                    + failed
                    + " failed");
    double toAgents = sent.rate("all", agents.total(TunnelMetrics.Total.DATA_SENT));
    double fromAgents = received.rate("all", agents.total(TunnelMetrics.Total.DATA_RECEIVED));
    snapshot
        .chart("Throughput", "(bytes/s through the tunnel, last 2 minutes)")
        .series("to agents", toAgents, 0)
        .series("from agents", fromAgents, 1);
    List<Row> rows = agents(snapshot, links);
    connections(snapshot, rows);
    dials(snapshot, failed);
    return snapshot.json();
  }

  private List<Row> agents(Snapshot snapshot, List<ServerLink> links) {
    Snapshot.Table table =
        snapshot
            .table("agents", "Agents", "agent")
            .column("agent", "agent")
            .column("connections", "connections")
            .column("pending-dials", "dials pending")
            .column("to-agent-rate", "to agent B/s")
            .column("from-agent-rate", "from agent B/s")
            .column("buffered", "buffered B", "received from the agent, not yet written to clients")
            .column("outbox", "outbox B", "waiting for the agent's stream")
            .column("credit", "tunnel credit B", "bytes the tunnel window lets clients send now")
            .column("credit-waits", "credit waits")
            .column("blocked", "blocked on credit s");
    List<Row> rows = new ArrayList<>();
    for (ServerLink link : links) {
      for (Pipe pipe : link.pipes.values()) {
        rows.add(
            new Row(
                link,
                pipe,
                sent.rate(pipe, pipe.stats.sent()),
                received.rate(pipe, pipe.stats.received())));
      }
      table
          .row(link.agentId)
          .text("agent", link.agentId)
          .number("connections", link.pipes.size())
          .number("pending-dials", link.pendingDials())
          .number("to-agent-rate", sent.rate(link, TunnelMetrics.Total.DATA_SENT.of(link)), 0)
          .number(
              "from-agent-rate", received.rate(link, TunnelMetrics.Total.DATA_RECEIVED.of(link)), 0)
          .number("buffered", link.bufferedBytes()[0])
          .number("outbox", link.outbox.stats().queuedBytes())
          .number("credit", Math.min(link.sendWindow.available(), Link.UNLIMITED))
          .number("credit-waits", link.creditWaits())
          .number("blocked", link.creditBlockedNanos() / 1e9, 3);
    }
    return rows;
  }

  private void connections(Snapshot snapshot, List<Row> rows) {
    Snapshot.Table table =
        snapshot
            .table("connections", "Connections", "connection")
            .note("(the " + limit + " busiest by bytes/s, both ways)")
            .column("connection", "connection")
            .column("agent", "agent")
            .column("rate", "B/s")
            .column("to-agent", "to agent B", "read from the client, sent to the agent")
            .column("from-agent", "from agent B", "received from the agent for the client")
            .column("window", "window left B", "bytes its own send window allows now")
            .column("blocked", "blocked on credit ms");
    Others others = new Others();
    for (Row row : TopN.select(rows, BUSIEST, limit, others::add)) {
      long window = row.pipe().sendCredit();
      table
          .row(row.link().agentId + "/" + row.pipe().connectId)
          .number("connection", row.pipe().connectId)
          .text("agent", row.link().agentId)
          .number("rate", row.rate(), 0)
          .number("to-agent", row.pipe().stats.sent())
          .number("from-agent", row.pipe().stats.received())
          .value("window", window, window < 0 ? "no credit" : Long.toString(window))
          .number("blocked", row.pipe().stats.blockedNanos() / 1e6, 1);
    }
    if (others.connections > 0) {
      table
          .others()
          .value("connection", others.connections, "others (" + others.connections + ")")
          .number("rate", others.rate, 0)
          .number("to-agent", others.toAgent)
          .number("from-agent", others.fromAgent)
          .number("blocked", others.blockedNanos / 1e6, 1);
    }
  }

  private void dials(Snapshot snapshot, long failed) {
    Snapshot.Table table =
        snapshot
            .table("dials", "Dials", "reason")
            .note("(since the server started)")
            .column("reason", "outcome")
            .column("count", "dials")
            .barColumn("share", "share");
    long all = Math.max(1, metrics.dials() + failed);
    table
        .row("ok")
        .text("reason", "established")
        .number("count", metrics.dials())
        .bar("share", (double) metrics.dials() / all, "", 1);
    for (Dialer.Failure failure : Dialer.Failure.values()) {
      long count = metrics.dialFailures(failure);
      table
          .row(failure.label)
          .text("reason", failure.label)
          .number("count", count)
          .bar("share", (double) count / all, "", 4);
    }
  }

  /** The connections beyond the top {@code limit}, summed. */
  private static final class Others {
    long connections;
    double rate;
    long toAgent;
    long fromAgent;
    long blockedNanos;

    void add(Row row) {
      connections++;
      rate += row.rate();
      toAgent += row.pipe().stats.sent();
      fromAgent += row.pipe().stats.received();
      blockedNanos += row.pipe().stats.blockedNanos();
    }
  }
}
