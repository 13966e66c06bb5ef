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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tunnel's benchmarks, run by {@code sluice-tunnel/bench.sh} (not by {@code mvn verify}), all
 * over loopback in one process, uploads from a CONNECT client through the server and the agent to a
 * destination that reads and discards:
 *
 * <ol>
 *   <li>{@code transfer}: one upload of {@code --mib} MiB (default 256) directly and through the
 *       tunnel under Sluice's credit (256 KiB windows, WINDOW_UPDATE per half window) and under the
 *       seed's scheme (a window of 150 packets, one acknowledgement per 32 KiB packet: emulated
 *       with a 150 x 32 KiB window whose updates go out per packet consumed, which is the same
 *       thing for full packets): throughput, and control packets per MiB sent back by the agent;
 *   <li>{@code stalled}: 100 concurrent uploads of 4 MiB, one of them to a destination that never
 *       reads, with credit and without: how many of the 99 finish within 60 s, and how fast.
 * </ol>
 */
public final class TunnelBench {

  private static final int CHUNK = 64 * 1024;
  private static final ExecutorService THREADS = TunnelThreads.newPool("sluice-tunnel-bench");
  private static final AtomicLong IDS = new AtomicLong();

  private TunnelBench() {}

  /** {@code [transfer|stalled|all] [--mib N]}. */
  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "all";
    long mib = args.length > 2 && args[1].equals("--mib") ? Long.parseLong(args[2]) : 256;
    if (which.equals("transfer") || which.equals("all")) {
      transfer(mib << 20);
    }
    if (which.equals("stalled") || which.equals("all")) {
      stalled(100, 4L << 20);
    }
    THREADS.shutdownNow();
  }

  private record Mode(String name, long window, long tunnelWindow, double updateRatio) {}

  private static void transfer(long bytes) throws Exception {
    System.out.printf("transfer: one upload of %d MiB over loopback%n", bytes >> 20);
    try (Sink sink = new Sink(false)) {
      upload(sink, new Socket(InetAddress.getLoopbackAddress(), sink.port()), bytes); // warm-up
      double direct =
          upload(sink, new Socket(InetAddress.getLoopbackAddress(), sink.port()), bytes);
      System.out.printf("  direct                          %8.1f MiB/s%n", direct);
      List<Mode> modes =
          List.of(
              new Mode("sluice credit (256 KiB, 1/2)", 256 << 10, 4 << 20, 0.5),
              new Mode("packet-per-ACK (150 x 32 KiB)", 150L * Pipe.CHUNK, 0, 1.0 / 150),
              new Mode("no credit (upstream)", 0, 0, 0.5));
      for (Mode mode : modes) {
        try (TunnelServer server =
                TunnelServer.builder()
                    .window(mode.window)
                    .tunnelWindow(mode.tunnelWindow)
                    .build()
                    .start();
            TunnelAgent agent =
                TunnelAgent.builder("127.0.0.1", server.agentPort())
                    .window(mode.window)
                    .tunnelWindow(mode.tunnelWindow)
                    .updateRatio(mode.updateRatio)
                    .build()
                    .start()) {
          server.awaitAgents(1, Duration.ofSeconds(10));
          upload(sink, connect(server, sink.port()), bytes); // warm-up
          AgentLink link = agent.currentLink();
          long control = link.outbox.stats().controlPacketsSent();
          double tunnel = upload(sink, connect(server, sink.port()), bytes);
          double perMib =
              (link.outbox.stats().controlPacketsSent() - control) / (double) (bytes >> 20);
          System.out.printf(
              "  %-31s %8.1f MiB/s  (%.2f of direct)  %6.2f control packets per MiB from the agent%n",
              mode.name, tunnel, tunnel / direct, perMib);
        }
      }
    }
  }

  private static void stalled(int connections, long bytes) throws Exception {
    System.out.printf(
        "stalled: %d concurrent uploads of %d MiB, one into a destination that never reads%n",
        connections, bytes >> 20);
    for (long window : new long[] {256 << 10, 0}) {
      try (Sink sink = new Sink(false);
          Sink stuck = new Sink(true);
          TunnelServer server = TunnelServer.builder().window(window).build().start();
          TunnelAgent agent =
              TunnelAgent.builder("127.0.0.1", server.agentPort()).window(window).build().start()) {
        server.awaitAgents(1, Duration.ofSeconds(10));
        Socket stall = connect(server, stuck.port());
        THREADS.execute(() -> write(stall, IDS.incrementAndGet(), Long.MAX_VALUE));
        long start = System.nanoTime();
        List<CompletableFuture<Long>> done = new ArrayList<>();
        for (int i = 0; i < connections - 1; i++) {
          Socket socket = connect(server, sink.port());
          done.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    long id = IDS.incrementAndGet();
                    write(socket, id, bytes);
                    sink.awaitReceived(id, bytes);
                    return System.nanoTime() - start;
                  },
                  THREADS));
        }
        long[] times = new long[done.size()];
        int finished = 0;
        long deadline = start + TimeUnit.SECONDS.toNanos(60);
        for (CompletableFuture<Long> future : done) {
          try {
            times[finished] =
                future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            finished++;
          } catch (TimeoutException e) {
            // not finished within the bound
          }
        }
        long[] sorted = Arrays.copyOf(times, finished);
        Arrays.sort(sorted);
        double seconds = finished == 0 ? 0 : sorted[finished - 1] / 1e9;
        System.out.printf(
            "  %-16s %3d of %d finished within 60 s (agent's receive loop stalled: %s); %s%n",
            window > 0 ? "sluice credit" : "no credit",
            finished,
            done.size(),
            agent.currentLink().stalled.isDone(),
            finished == 0
                ? "none"
                : String.format(
                    "p50 %.2f s, last %.2f s, %.1f MiB/s together",
                    sorted[finished / 2] / 1e9, seconds, finished * (bytes >> 20) / seconds));
      }
    }
  }

  /** A CONNECT through {@code server} to 127.0.0.1:{@code port}; the 200 is read. */
  private static Socket connect(TunnelServer server, int port) throws IOException {
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
  private static double upload(Sink sink, Socket socket, long bytes) throws Exception {
    long start = System.nanoTime();
    long id = IDS.incrementAndGet();
    write(socket, id, bytes);
    sink.awaitReceived(id, bytes);
    double seconds = (System.nanoTime() - start) / 1e9;
    socket.close();
    return (bytes >> 20) / seconds;
  }

  /** Writes the upload's id, then {@code bytes} bytes. */
  private static void write(Socket socket, long id, long bytes) {
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
  private static final class Sink implements AutoCloseable {
    private final ServerSocket listener = new ServerSocket();
    private final Map<Long, Long> received = new HashMap<>(); // guarded by itself

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
              if (!stuck) {
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
      synchronized (received) {
        while (received.getOrDefault(id, 0L) < bytes) {
          try {
            received.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        received.remove(id);
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }
  }
}
