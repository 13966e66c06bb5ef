package dev.sluice.demo.cluster;

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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A throwaway {@code redis-server} (Debian package {@code redis-server}) on a free loopback port,
 * without persistence, in a temp dir; it can be SIGKILLed and restarted on the same port, and
 * signalled (STOP hangs it with its sockets open, CONT resumes it). Not thread-safe: one caller
 * drives the faults.
 */
public final class RedisProcess implements AutoCloseable {

  /** What to tell a user who has no {@code redis-server}. */
  public static final String MISSING =
      "redis-server not found on PATH: install the Debian package redis-server"
          + " (apt-get install -y redis-server)";

  private static final Pattern CALLS = Pattern.compile("(?m)^cmdstat_([a-z|]+):calls=(\\d+)");

  private final Path binary;
  private final Path dir;
  private final int port;
  private Process process;

  private RedisProcess(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.process = launch();
  }

  /** The {@code redis-server} binary on {@code PATH} (or in /usr/bin), or {@code null}. */
  public static @Nullable Path binary() {
    String path = System.getenv("PATH");
    for (String entry : (path == null ? "/usr/bin" : path + ":/usr/bin").split(":", -1)) {
      Path candidate = Path.of(entry, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Starts a server.
   *
   * @throws IllegalStateException with {@link #MISSING} if {@code redis-server} is not installed
   */
  public static RedisProcess start() throws IOException {
    Path binary = binary();
    if (binary == null) {
      throw new IllegalStateException(MISSING);
    }
    Path dir = Files.createTempDirectory("sluice-redis");
    for (int attempt = 0; ; attempt++) {
      try {
        return new RedisProcess(binary, dir, freePort());
      } catch (IllegalStateException e) { // the port was taken in between: try another
        if (attempt == 4) {
          throw e;
        }
      }
    }
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** SIGKILL: the data and the script cache are gone. */
  public void kill() {
    process.destroyForcibly();
    process.onExit().orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Starts again on the same port, empty (after {@link #kill}). */
  public void restart() {
    process = launch();
  }

  /** Sends {@code kill -<signal>} ({@code STOP}, {@code CONT}). */
  public void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** Runs {@code command} on a fresh connection. */
  public <T> T call(Function<RedisCommands<String, String>, T> command) {
    RedisClient client = RedisClient.create(RedisURI.create(uri()));
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      return command.apply(connection.sync());
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /**
   * Commands served since the start (or {@code CONFIG RESETSTAT}), from {@code INFO commandstats},
   * without this class's own {@code INFO}, {@code HGETALL} and {@code KEYS}, which only observe.
   */
  public long commandCalls() {
    Matcher m = CALLS.matcher(call(c -> c.info("commandstats")));
    long sum = 0;
    while (m.find()) {
      String name = m.group(1);
      if (!name.equals("info") && !name.equals("hgetall") && !name.equals("keys")) {
        sum += Long.parseLong(m.group(2));
      }
    }
    return sum;
  }

  /**
   * The units that replicas reserve for limit {@code limit} of pool {@code pool}: the sum of the
   * {@code r:<replica>} fields of its hash.
   */
  public long reserved(String pool, String limit) {
    return fields(pool, "limit:" + limit).entrySet().stream()
        .filter(e -> e.getKey().startsWith("r:"))
        .mapToLong(e -> Long.parseLong(e.getValue()))
        .sum();
  }

  /** The fields of pool {@code pool}'s hash {@code sluice:{pool}:<key>}, empty if none. */
  public Map<String, String> fields(String pool, String key) {
    return call(c -> c.hgetall("sluice:{" + pool + "}:" + key));
  }

  @Override
  public void close() throws IOException {
    kill();
    try (var files = Files.walk(dir)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(RedisProcess::delete);
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
      // Ready when it says so; the rest of its output is drained so that it never blocks.
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while redis-server started", e);
    } catch (Exception e) {
      throw new IllegalStateException("redis-server did not start on port " + port, e);
    }
  }

  static int freePort() throws IOException {
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
