package dev.sluice.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP CONNECT frontend ({@code curl --proxytunnel --proxy}): for each {@code CONNECT
 * host:port} it picks an agent, dials through it and, once the agent answered, says {@code 200
 * Connection established} and relays bytes both ways. Failures are one status and one reason each:
 * 405 for another method, 400 for a malformed request, 503 when no agent is connected, 502 with the
 * agent's error when the dial failed, 504 when the agent did not answer within the dial timeout.
 */
final class ConnectFrontend implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(ConnectFrontend.class.getName());
  private static final int MAX_HEAD = 16 * 1024;

  private final ServerSocket listener;
  private final ExecutorService executor;
  private final Dialer dialer;
  private volatile boolean closed;

  ConnectFrontend(InetSocketAddress address, ExecutorService executor, Dialer dialer)
      throws IOException {
    this.listener = new ServerSocket();
    this.listener.bind(address, 128);
    this.executor = executor;
    this.dialer = dialer;
    executor.execute(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!closed) {
          logger.log(Level.WARNING, "accept failed", e);
        }
        return;
      }
      executor.execute(() -> serve(client));
    }
  }

  private void serve(Socket client) {
    try {
      client.setTcpNoDelay(true);
      String head = readHead(client.getInputStream());
      if (head == null) {
        client.close();
        return;
      }
      String[] requestLine = words(head.substring(0, head.indexOf("\r\n")));
      if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
        respond(client, 400, "Bad Request", "malformed request line");
        return;
      }
      if (!requestLine[0].equals("CONNECT")) {
        respond(client, 405, "Method Not Allowed", "only CONNECT is supported");
        return;
      }
      String target = requestLine[1];
      try {
        AgentLink.parse(target);
      } catch (IllegalArgumentException e) {
        respond(client, 400, "Bad Request", String.valueOf(e.getMessage()));
        return;
      }
      Dialer.Result dial = dialer.dial(target, Endpoint.of(client));
      Pipe pipe = dial.pipe();
      if (pipe == null) {
        switch (dial.reason()) {
          case NO_BACKEND -> respond(client, 503, "Service Unavailable", dial.error());
          case TIMEOUT -> respond(client, 504, "Gateway Timeout", dial.error());
          default -> respond(client, 502, "Bad Gateway", dial.error());
        }
        return;
      }
      try {
        OutputStream out = client.getOutputStream();
        out.write(
            "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) { // the client left during the dial: end the connection once
        dialer.frontendGone(dial);
        throw e;
      }
      pipe.start();
    } catch (IOException | RuntimeException e) {
      logger.log(Level.FINE, "CONNECT failed", e);
      try {
        client.close();
      } catch (IOException ignored) {
        // already failing
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The space-separated words of a request line. */
  private static String[] words(String line) {
    return line.trim().isEmpty() ? new String[0] : line.trim().split(" +", -1);
  }

  /** Reads up to the blank line byte by byte, so that no tunnelled byte is consumed. */
  private static @Nullable String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (head.size() < MAX_HEAD) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        return head.toString(StandardCharsets.US_ASCII);
      }
    }
    throw new IOException("request head over " + MAX_HEAD + " bytes");
  }

  static void respond(Socket client, int status, String phrase, String reason) throws IOException {
    byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + phrase
            + "\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: "
            + body.length
            + "\r\n"
            + "Connection: close\r\n\r\n";
    try (client) {
      OutputStream out = client.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
    } catch (SocketException e) {
      logger.log(Level.FINE, "client left before the response", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      logger.log(Level.FINE, "close failed", e);
    }
  }
}
