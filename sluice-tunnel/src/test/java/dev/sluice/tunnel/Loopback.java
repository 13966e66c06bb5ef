package dev.sluice.tunnel;

import java.io.ByteArrayOutputStream;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Destinations and CONNECT clients on 127.0.0.1 for the tunnel tests. Closes all it opened. */
final class Loopback implements AutoCloseable {

  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "loopback-test");
            thread.setDaemon(true);
            return thread;
          });
  private final List<java.io.Closeable> opened = new ArrayList<>();

  /** A server that echoes every byte back. Returns its port. */
  synchronized int echoServer() throws IOException {
    ServerSocket listener = listen(0);
    serveEach(listener, socket -> socket.getInputStream().transferTo(socket.getOutputStream()));
    return listener.getLocalPort();
  }

  /**
   * A server whose connections are never read, with a 4 KiB receive buffer (set before bind, so
   * accepted sockets inherit it). {@code accepted} completes at the first connection.
   */
  synchronized int stuckServer(CompletableFuture<Socket> accepted) throws IOException {
    ServerSocket listener = listenWithSmallBuffer();
    threads.execute(
        () -> {
          while (true) {
            try {
              Socket socket = listener.accept();
              remember(socket);
              accepted.complete(socket);
            } catch (IOException e) {
              return;
            }
          }
        });
    return listener.getLocalPort();
  }

  /**
   * A server that reads and discards what its connections send, counting it in {@code received},
   * but only once {@code gate} completes; until then it reads nothing (4 KiB receive buffer).
   * Notifies {@code received}'s monitor after each read (see {@link #awaitAtLeast}).
   */
  synchronized int sinkServer(CompletableFuture<Void> gate, AtomicLong received)
      throws IOException {
    return sinkServer(gate, received, 64 * 1024);
  }

  /** A {@link #sinkServer} that reads at most {@code readChunk} bytes per read: a slow reader. */
  synchronized int sinkServer(CompletableFuture<Void> gate, AtomicLong received, int readChunk)
      throws IOException {
    ServerSocket listener = listenWithSmallBuffer();
    serveEach(
        listener,
        socket -> {
          byte[] buffer = new byte[readChunk];
          gate.join();
          InputStream in = socket.getInputStream();
          int n;
          while ((n = in.read(buffer)) >= 0) {
            synchronized (received) {
              received.addAndGet(n);
              received.notifyAll();
            }
          }
        });
    return listener.getLocalPort();
  }

  /** What a test server does with one accepted connection, on a thread of its own. */
  private interface ConnectionHandler {
    void serve(Socket socket) throws IOException;
  }

  /**
   * Accepts {@code listener}'s connections until it closes, serving each on a thread of its own and
   * closing it after; an I/O error ends that connection (the test ended it).
   */
  private void serveEach(ServerSocket listener, ConnectionHandler handler) {
    threads.execute(
        () -> {
          while (true) {
            Socket socket;
            try {
              socket = listener.accept();
            } catch (IOException e) {
              return;
            }
            remember(socket);
            threads.execute(
                () -> {
                  try (socket) {
                    handler.serve(socket);
                  } catch (IOException e) {
                    // the test ended it
                  }
                });
          }
        });
  }

  /**
   * A loopback listener with a 4 KiB receive buffer, set before bind so that accepted sockets
   * inherit it.
   */
  private ServerSocket listenWithSmallBuffer() throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.setReceiveBufferSize(4096);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    opened.add(listener);
    return listener;
  }

  /** Writes {@code bytes} zero bytes to {@code socket} on a test thread. */
  CompletableFuture<Void> send(Socket socket, long bytes) {
    return run(
        () -> {
          byte[] chunk = new byte[16 * 1024];
          OutputStream out = socket.getOutputStream();
          for (long left = bytes; left > 0; left -= chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, left));
          }
          out.flush();
        });
  }

  /**
   * Waits until a {@link #sinkServer} counter reaches {@code bytes}.
   *
   * @return false if the timeout passed first
   */
  static boolean awaitAtLeast(AtomicLong received, long bytes, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (received.get() < bytes) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(received, left);
      }
      return true;
    }
  }

  /** A port nothing listens on. */
  static int closedPort() throws IOException {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return listener.getLocalPort();
    }
  }

  /** A CONNECT through the proxy at {@code proxyPort}; the response head is read. */
  Connect connect(int proxyPort, String target) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxyPort);
    remember(socket);
    socket.setTcpNoDelay(true);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("proxy closed during the response head: " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    int status = Integer.parseInt(text.substring(9, 12));
    return new Connect(socket, status, text);
  }

  /** Runs {@code task} on a test thread. */
  CompletableFuture<Void> run(ThrowingRunnable task) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            task.run();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        threads);
  }

  /**
   * Writes bytes forever (until the socket fails), counting them; {@code passedMark} completes once
   * {@code mark} bytes were written.
   */
  CompletableFuture<Void> flood(
      Socket socket, AtomicLong written, long mark, CompletableFuture<Void> passedMark) {
    return run(
        () -> {
          byte[] chunk = new byte[16 * 1024];
          OutputStream out = socket.getOutputStream();
          while (true) {
            out.write(chunk);
            if (written.addAndGet(chunk.length) >= mark) {
              passedMark.complete(null);
            }
          }
        });
  }

  /** Sends {@code bytes} through an echo and reads them back; returns the nanoseconds it took. */
  long echo(Socket socket, int bytes) throws Exception {
    byte[] data = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      data[i] = (byte) (i * 31 + 7);
    }
    long start = System.nanoTime();
    CompletableFuture<Void> writing =
        run(
            () -> {
              OutputStream out = socket.getOutputStream();
              for (int off = 0; off < bytes; off += 64 * 1024) {
                out.write(data, off, Math.min(64 * 1024, bytes - off));
              }
              out.flush();
            });
    byte[] back = socket.getInputStream().readNBytes(bytes);
    writing.join();
    long took = System.nanoTime() - start;
    if (back.length != bytes || !java.util.Arrays.equals(back, data)) {
      throw new AssertionError("echo returned " + back.length + " bytes, or different ones");
    }
    return took;
  }

  private ServerSocket listen(int port) throws IOException {
    ServerSocket listener = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    opened.add(listener);
    return listener;
  }

  private synchronized void remember(Socket socket) {
    opened.add(socket);
  }

  @Override
  public synchronized void close() throws IOException {
    for (java.io.Closeable closeable : opened) {
      closeable.close();
    }
    threads.shutdownNow();
  }

  /** A CONNECT's socket and response. */
  record Connect(Socket socket, int status, String head) {
    String body() throws IOException {
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
