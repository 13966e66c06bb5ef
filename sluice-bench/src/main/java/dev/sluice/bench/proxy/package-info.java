/**
 * The proxy benchmark's own servers (issue 14): {@link dev.sluice.bench.proxy.PlainProxy}, an
 * Armeria reverse proxy with no flow control (the floor of the gateway's stack), and {@link
 * dev.sluice.bench.proxy.StreamingBackend}, a backend that streams server-sent events. {@code
 * sluice-bench/proxy/run.sh} starts them beside nginx and the gateway.
 */
package dev.sluice.bench.proxy;
