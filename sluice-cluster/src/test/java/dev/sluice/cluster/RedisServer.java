package dev.sluice.cluster;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A throwaway {@code redis-server} (Debian package {@code redis-server}) on a free loopback port,
 * no persistence, in a temp dir; it can be killed and restarted on the same port. Tests skip when
 * the binary is missing.
 */
public final class RedisServer implements AutoCloseable {
  private final Path binary;
  private final Path dir;
  private final int port;
  private Process process;

  private RedisServer(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.process = launch();
  }

  /** Starts a server, or skips the test if {@code redis-server} is not installed. */
  public static RedisServer start() throws IOException {
    Path binary = find();
    assumeTrue(
        binary != null,
        "redis-server not found on PATH: install the Debian package redis-server to run this test");
    Path dir = Files.createTempDirectory("sluice-redis");
    for (int attempt = 0; ; attempt++) {
      try {
        return new RedisServer(binary, dir, freePort());
      } catch (IllegalStateException e) { // the port was taken in between: try another
        if (attempt == 4) {
          throw e;
        }
      }
    }
  }

  public RedisURI uri() {
    return RedisURI.builder().withHost("127.0.0.1").withPort(port).build();
  }

  /** SIGKILL: the data and the script cache are gone. */
  public void kill() {
    process.destroyForcibly();
    process.onExit().orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Sends {@code kill -<signal>} (STOP hangs the server with its sockets open, CONT resumes). */
  public void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " failed");
    }
  }

  /** Starts again on the same port (after {@link #kill}). */
  public void restart() {
    process = launch();
  }

  /** Runs {@code command} on a fresh connection. */
  public <T> T call(Function<RedisCommands<String, String>, T> command) {
    RedisClient client = RedisClient.create(uri());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return command.apply(connection.sync());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() throws IOException {
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(RedisServer::delete);
    }
  }

  private Process launch() {
    try {
      Process started =
          new ProcessBuilder(
                  binary.toString(),
                  "--port",
                  Integer.toString(port),
                  "--bind",
                  "127.0.0.1",
                  "--save",
                  "",
                  "--appendonly",
                  "no",
                  "--dir",
                  dir.toString())
              .redirectErrorStream(true)
              .start();
      // Ready when it says so; the rest of its output is drained so it never blocks.
      CompletableFuture<Boolean> ready = new CompletableFuture<>();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader out =
                    new BufferedReader(
                        new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = out.readLine()) != null; ) {
                    if (line.contains("Ready to accept connections")) {
                      ready.complete(true);
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
                ready.complete(false);
              },
              "redis-server-" + port);
      reader.setDaemon(true);
      reader.start();
      if (!ready.get(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("redis-server did not start on port " + port);
      }
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("redis-server did not start on port " + port, e);
    }
  }

  private static Path find() {
    String path = System.getenv("PATH");
    for (String entry : (path == null ? "/usr/bin" : path + ":/usr/bin").split(":")) {
      Path candidate = Path.of(entry, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
