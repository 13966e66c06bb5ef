package dev.sluice.sim.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseDecoderTest {

  @Test
  void eventsSurviveAnySplitIncludingInsideUtf8AndCrLf() {
    byte[] stream =
        ("data: {\"a\":\"é€\"}\r\n\r\n: comment\nevent: x\ndata: one\ndata: two\n\n"
                + "data: [DONE]\n\n")
            .getBytes(StandardCharsets.UTF_8);
    for (int split = 1; split < stream.length; split++) {
      SseDecoder decoder = new SseDecoder();
      List<String> events = new ArrayList<>(decoder.feed(Arrays.copyOfRange(stream, 0, split)));
      events.addAll(decoder.feed(Arrays.copyOfRange(stream, split, stream.length)));
      assertThat(events)
          .as("split at %d", split)
          .containsExactly("{\"a\":\"é€\"}", "one\ntwo", "[DONE]");
    }
  }
}
