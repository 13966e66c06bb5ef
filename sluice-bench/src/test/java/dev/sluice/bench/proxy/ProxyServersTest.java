package dev.sluice.bench.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The proxy benchmark's servers on loopback: the stream arrives whole through the plain proxy. */
class ProxyServersTest {

  private static Server backend;
  private static Server proxy;

  @BeforeAll
  static void start() {
    backend = StreamingBackend.start(0, 3);
    proxy = PlainProxy.start(0, "http://127.0.0.1:" + backend.activeLocalPort());
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.closeAsync();
    }
    if (backend != null) {
      backend.closeAsync();
    }
  }

  @Test
  void streamsEveryChunkThroughThePlainProxy() {
    AggregatedHttpResponse answer =
        WebClient.of("http://127.0.0.1:" + proxy.activeLocalPort())
            .prepare()
            .post("/v1/chat/completions")
            .content(MediaType.JSON, "{\"model\":\"m\",\"stream\":true}")
            .execute()
            .aggregate()
            .join();

    assertThat(answer.status()).isEqualTo(HttpStatus.OK);
    assertThat(answer.contentType()).isEqualTo(MediaType.EVENT_STREAM);
    String body = answer.contentUtf8();
    assertThat(body.split("\"content\":\"token \"", -1)).hasSize(4); // three chunks
    assertThat(body).endsWith("data: [DONE]\n\n");
  }

  @Test
  void servesAnIdleEnginesMetrics() {
    AggregatedHttpResponse metrics =
        WebClient.of("http://127.0.0.1:" + backend.activeLocalPort())
            .get("/metrics")
            .aggregate()
            .join();

    assertThat(metrics.contentUtf8()).contains("vllm:num_requests_waiting{engine=\"0\"} 0");
  }
}
