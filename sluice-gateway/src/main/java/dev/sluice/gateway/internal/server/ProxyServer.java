package dev.sluice.gateway.internal.server;

import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.internal.metrics.ResponseMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The inference listener: serves {@code /v1/*} with no request timeout (bodies and queue waits are
 * bounded elsewhere), the configured body limit and grace period, answers Armeria's own errors in
 * OpenAI's format, and counts every answer the gateway makes itself. Stateless.
 */
public final class ProxyServer {

  private ProxyServer() {}

  /** Builds the listener for {@code listen}, serving {@code v1} under {@code /v1/}. */
  public static Server build(GatewayConfig.Server listen, HttpService v1, MeterRegistry registry) {
    ResponseMetrics responses = new ResponseMetrics(registry);
    Duration grace = listen.gracefulShutdown();
    return Server.builder()
        .http(new InetSocketAddress(listen.host(), listen.port()))
        .requestTimeoutMillis(0)
        .maxRequestLength(listen.maxRequestBytes())
        .gracefulShutdownTimeout(Duration.ZERO, grace)
        .meterRegistry(registry)
        .errorHandler(new OpenAiErrorHandler(responses))
        .serviceUnder("/v1/", v1)
        // Every routed answer, including Armeria's 404, once it has been sent; protocol
        // violations (431 ...) never reach a service and are counted by the error handler.
        .decorator(
            (delegate, ctx, req) -> {
              CompletableFuture<Void> unused =
                  ctx.log()
                      .whenComplete()
                      .thenAccept(log -> responses.record(log.responseHeaders()));
              return delegate.serve(ctx, req);
            })
        .build();
  }
}
