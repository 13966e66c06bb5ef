package dev.sluice.tunnel;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loopback traffic for the benchmark and the demo: CONNECT clients that upload numbered streams of
 * bytes, and destinations that count what each upload delivered (or never read). Threads are
 * daemons.
 */
final class LoopbackTraffic {

  static final int CHUNK = 64 * 1024;
  static final ExecutorService THREADS = TunnelThreads.newPool("sluice-tunnel-traffic");
  private static final AtomicLong IDS = new AtomicLong();

  private LoopbackTraffic() {}

  /**
   * Waits until a stalled connection bites: with credit, a sender on the server ran out of it;
   * without, the agent's one receive loop stopped on a full queue.
   *
   * @return false if the timeout passed first
   */
  static boolean awaitStall(
      TunnelServer server, TunnelAgent agent, boolean credit, Duration timeout)
      throws InterruptedException, ExecutionException {
    if (credit) {
      return server.links().get(0).awaitCreditWaits(1, timeout);
    }
    AgentLink link = agent.currentLink();
    if (link == null) {
      return false;
    }
    try {
      link.stalled.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  /** A fresh upload id. */
  static long nextId() {
    return IDS.incrementAndGet();
  }

  /** A CONNECT through {@code server} to 127.0.0.1:{@code port}; the 200 is read. */
  static Socket connect(TunnelServer server, int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.connectPort());
    socket.setTcpNoDelay(true);
    socket
        .getOutputStream()
        .write(
            ("CONNECT 127.0.0.1:" + port + " HTTP/1.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    int matched = 0;
    StringBuilder head = new StringBuilder();
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("proxy closed: " + head);
      }
      head.append((char) b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    if (!head.toString().startsWith("HTTP/1.1 200")) {
      throw new IOException("CONNECT failed: " + head);
    }
    return socket;
  }

  /** Uploads {@code bytes} on {@code socket} and waits until the sink has them; MiB/s. */
  static double upload(Sink sink, Socket socket, long bytes) throws Exception {
    long start = System.nanoTime();
    long id = nextId();
    write(socket, id, bytes);
    sink.awaitReceived(id, bytes);
    double seconds = (System.nanoTime() - start) / 1e9;
    socket.close();
    return (bytes >> 20) / seconds;
  }

  /** Writes the upload's id, then {@code bytes} bytes. */
  static void write(Socket socket, long id, long bytes) {
    byte[] chunk = new byte[CHUNK];
    try {
      OutputStream out = socket.getOutputStream();
      new DataOutputStream(out).writeLong(id);
      for (long left = bytes; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
      out.flush();
    } catch (IOException e) {
      // the bench closed it
    }
  }

  /**
   * Destinations that read and discard (or, {@code stuck}, never read), counting the bytes of each
   * upload by the id it starts with.
   */
  static final class Sink implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket();
    private final Map<Long, Long> received = new HashMap<>(); // guarded by itself

    /**
     * The connections a stuck sink holds unread. Kept reachable on purpose: the JDK closes an
     * unreachable socket's descriptor once it is garbage collected, and a stalled destination that
     * a GC quietly closes is no stall at all (the demo's no-credit run then did not wedge, now and
     * then).
     */
    private final List<Socket> unread = new CopyOnWriteArrayList<>();

    Sink(boolean stuck) throws IOException {
      listener.setReceiveBufferSize(stuck ? 4096 : 256 * 1024);
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      THREADS.execute(
          () -> {
            while (true) {
              Socket socket;
              try {
                socket = listener.accept();
              } catch (IOException e) {
                return;
              }
              if (stuck) {
                unread.add(socket);
              } else {
                THREADS.execute(() -> drain(socket));
              }
            }
          });
    }

    int port() {
      return listener.getLocalPort();
    }

    private void drain(Socket socket) {
      byte[] buffer = new byte[CHUNK];
      try (socket;
          InputStream in = socket.getInputStream()) {
        long id = new DataInputStream(in).readLong();
        int n;
        while ((n = in.read(buffer)) >= 0) {
          synchronized (received) {
            received.merge(id, (long) n, Long::sum);
            received.notifyAll();
          }
        }
      } catch (IOException e) {
        // closed
      }
    }

    /** Waits until upload {@code id} delivered {@code bytes}. */
    void awaitReceived(long id, long bytes) {
      awaitReceived(id, bytes, Duration.ofDays(1));
    }

    /**
     * Waits until upload {@code id} delivered {@code bytes}, at most {@code timeout}.
     *
     * @return the bytes it delivered
     */
    long awaitReceived(long id, long bytes, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (received) {
        while (received.getOrDefault(id, 0L) < bytes) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(received, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
        Long got = received.remove(id);
        return got == null ? 0 : got;
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket socket : unread) {
        socket.close();
      }
    }
  }
}
