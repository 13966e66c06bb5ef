package dev.sluice.tunnel;

import dev.sluice.flow.Ticker;

/**
 * One end's per-tunnel settings, as its builder validated them.
 *
 * @param window the receive window per connection in bytes; 0 turns the window extension off
 * @param tunnelWindow the receive window of the whole tunnel in bytes; 0 for none
 * @param maxQueuedPackets the queue bound of a connection without credit
 * @param maxConnections connections (and dials in flight) a tunnel carries at once
 * @param fair whether connections share the stream by deficit round-robin (else arrival order)
 * @param ticker measures the time senders wait for credit
 * @param updateRatio the fraction of a window consumed that triggers a WINDOW_UPDATE
 * @param maxWindow the largest a connection's receive window may grow to by auto-tuning; 0 keeps it
 *     at {@code window}
 */
record LinkSettings(
    long window,
    long tunnelWindow,
    int maxQueuedPackets,
    int maxConnections,
    boolean fair,
    Ticker ticker,
    double updateRatio,
    long maxWindow) {}
