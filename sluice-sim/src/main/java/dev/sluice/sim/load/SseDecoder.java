package dev.sluice.sim.load;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Server-Sent Events byte stream into event payloads: the {@code data:} lines of one
 * event, joined with newlines, dispatched at the blank line that ends it. Comments, {@code event:}
 * and {@code id:} lines are skipped. Bytes may be split anywhere, even inside a UTF-8 character.
 * Not thread-safe: feed it from one thread (or one subscriber) at a time.
 */
public final class SseDecoder {

  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private boolean lastWasCr;

  /** Consumes {@code bytes} and returns the payloads of the events they completed. */
  public List<String> feed(byte[] bytes) {
    List<String> events = new ArrayList<>(2);
    for (byte b : bytes) {
      if (b == '\n' && lastWasCr) {
        lastWasCr = false;
        continue;
      }
      lastWasCr = b == '\r';
      if (b == '\n' || b == '\r') {
        endLine(events);
      } else {
        line.write(b);
      }
    }
    return events;
  }

  private void endLine(List<String> events) {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (text.isEmpty()) {
      if (hasData) {
        events.add(data.toString());
      }
      data.setLength(0);
      hasData = false;
      return;
    }
    if (text.startsWith("data:")) {
      String value = text.substring(5);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      if (hasData) {
        data.append('\n');
      }
      data.append(value);
      hasData = true;
    }
  }
}
