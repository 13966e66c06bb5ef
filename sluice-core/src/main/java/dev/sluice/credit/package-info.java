/**
 * Byte credit for multiplexed transports, as HTTP/2 and QUIC do it: a {@link
 * dev.sluice.credit.SendWindow} per connection with a {@link dev.sluice.credit.SendStream} per
 * stream on the sending side, and a {@link dev.sluice.credit.ReceiveWindow} with a {@link
 * dev.sluice.credit.ReceiveStream} per stream on the receiving side. Credit travels as absolute
 * limits, so duplicate or reordered updates are harmless; stream credit returns when the
 * application consumes, connection credit when bytes arrive, so one stalled stream stops only
 * itself. Waits are futures that a close fails and a cancel withdraws.
 */
package dev.sluice.credit;
