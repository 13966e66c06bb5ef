package dev.sluice.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 connection over a plain socket, for the cases a well-behaved client library will not
 * produce: stalled bodies, oversized headers, reading to EOF. Reads fail after a bound, so a test
 * waits for the server's event (bytes or EOF) and never for a fixed time. Confined to one thread.
 */
final class RawHttp implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  RawHttp(int port, Duration readBound) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(Math.toIntExact(readBound.toMillis()));
    out = socket.getOutputStream();
    in = socket.getInputStream();
  }

  RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /**
   * Reads until the server closes the connection.
   *
   * @throws SocketTimeoutException if the connection is still open after the read bound
   */
  String readToEof() throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      received.write(buffer, 0, n);
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads the status line and headers of the next response (not its body). */
  String readHead() throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (!received.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("EOF before the end of the response head: " + received);
      }
      received.write(b);
    }
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** The status code of a response head. */
  static int status(String head) {
    return Integer.parseInt(head.substring(9, 12));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
