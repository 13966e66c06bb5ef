package dev.sluice.bench.proxy;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.Server;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * A backend that answers every {@code POST} with a server-sent-event stream of {@code chunks}
 * chat-completion deltas and a {@code [DONE]}, each written (and so flushed) on its own, as fast as
 * the connection takes them; and {@code GET /metrics} with an idle vLLM's gauges, so the gateway
 * sees it as fresh. The streaming case of the proxy benchmark: chunks per second through a proxy
 * against the same stream read directly.
 *
 * <pre>java -cp benchmarks.jar dev.sluice.bench.proxy.StreamingBackend PORT CHUNKS</pre>
 */
public final class StreamingBackend {

  private static final HttpData CHUNK =
      HttpData.ofUtf8(
          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\","
              + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token \"}}]}\n\n");
  private static final HttpData DONE = HttpData.ofUtf8("data: [DONE]\n\n");
  private static final String METRICS =
      "vllm:num_requests_running{engine=\"0\"} 0\n"
          + "vllm:num_requests_waiting{engine=\"0\"} 0\n"
          + "vllm:kv_cache_usage_perc{engine=\"0\"} 0.1\n";

  private StreamingBackend() {}

  /** Listens on 127.0.0.1:{@code args[0]}, streaming {@code args[1]} chunks per answer. */
  public static void main(String[] args) {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: StreamingBackend PORT CHUNKS (got " + args.length + " arguments)");
    }
    CompletableFuture<Void> unused =
        start(Integer.parseInt(args[0]), Integer.parseInt(args[1])).closeOnJvmShutdown();
  }

  /** Starts the backend on 127.0.0.1:{@code port} (0: any free port). */
  static Server start(int port, int chunks) {
    if (chunks < 1) {
      throw new IllegalArgumentException("chunks: " + chunks + " (expected: >= 1)");
    }
    Server server =
        Server.builder()
            .http(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .requestTimeoutMillis(0)
            .service(
                Route.builder().path("/metrics").methods(HttpMethod.GET).build(),
                (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8, METRICS))
            .serviceUnder(
                "/v1/",
                (ctx, req) -> {
                  HttpResponseWriter stream = HttpResponse.streaming();
                  // The answer starts once the request has been read, as an engine's would.
                  CompletableFuture<Void> unused =
                      req.aggregate()
                          .thenRun(
                              () -> {
                                stream.write(
                                    ResponseHeaders.of(
                                        HttpStatus.OK, "content-type", MediaType.EVENT_STREAM));
                                for (int i = 0; i < chunks; i++) {
                                  stream.write(CHUNK);
                                }
                                stream.write(DONE);
                                stream.close();
                              });
                  return stream;
                })
            .build();
    server.start().join();
    return server;
  }
}
