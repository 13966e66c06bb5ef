package dev.sluice.demo.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One gateway replica in a process of its own: {@code dev.sluice.gateway.GatewayMain --config
 * FILE}, run by this JVM's {@code java} on this JVM's class path, with {@code yaml} written to a
 * temp file. Its ports are read from the line it prints once it serves. Its output is drained and
 * its last lines kept for error messages. Thread-safe.
 */
final class ReplicaProcess implements AutoCloseable {

  private static final Pattern STARTED =
      Pattern.compile("sluice gateway: http://[^:]+:(\\d+)/v1\\s+admin http://[^:]+:(\\d+)");
  private static final int TAIL = 40;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final Path config;
  private final Deque<String> tail = new ArrayDeque<>();
  private final int port;
  private final int adminPort;

  private ReplicaProcess(String name, String yaml, long startTimeoutSeconds) throws IOException {
    config = Files.createTempFile("sluice-" + name + "-", ".yaml");
    Files.writeString(config, yaml);
    String java = ProcessHandle.current().info().command().orElse("java");
    process =
        new ProcessBuilder(
                List.of(
                    java,
                    // A small, quick-starting JVM: the machine is shared with the driver.
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-Xmx256m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "dev.sluice.gateway.GatewayMain",
                    "--config",
                    config.toString()))
            .redirectErrorStream(true)
            .start();
    CompletableFuture<int[]> ports = new CompletableFuture<>();
    Thread reader = new Thread(() -> drain(ports), "replica-" + name);
    reader.setDaemon(true);
    reader.start();
    try {
      int[] bound = ports.get(startTimeoutSeconds, TimeUnit.SECONDS);
      port = bound[0];
      adminPort = bound[1];
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not start; its last output:\n" + tail(), e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + name + " started", e);
    }
  }

  /** Starts a replica configured by {@code yaml}, waiting until it serves. */
  static ReplicaProcess start(String name, String yaml) throws IOException {
    return new ReplicaProcess(name, yaml, 60);
  }

  /** The inference listener's port (loopback). */
  int port() {
    return port;
  }

  /** The admin listener's port (loopback). */
  int adminPort() {
    return adminPort;
  }

  /** Its admin listener's {@code /metrics} page. */
  String metrics() {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading /metrics", e);
    }
  }

  /** Whether its {@code sluice_cluster_mode{mode}} gauge is 1 for {@code mode}. */
  boolean inMode(String mode) {
    return Pattern.compile("(?m)^sluice_cluster_mode\\{[^}]*mode=\"" + mode + "\"[^}]*} 1(\\.0)?$")
        .matcher(metrics())
        .find();
  }

  /** Whether the process is still running. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, as a crash: nothing is drained, no reservation is given back. */
  void kill() {
    process.destroyForcibly();
    process.onExit().orTimeout(10, TimeUnit.SECONDS).join();
  }

  /** Its last lines of output. */
  String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  @Override
  public void close() {
    kill();
    try {
      Files.deleteIfExists(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void drain(CompletableFuture<int[]> ports) {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        synchronized (tail) {
          if (tail.size() == TAIL) {
            tail.removeFirst();
          }
          tail.addLast(line);
        }
        Matcher m = STARTED.matcher(line);
        if (m.find()) {
          ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    ports.completeExceptionally(new IllegalStateException("exited with " + exitValue()));
  }

  private String exitValue() {
    try {
      return Integer.toString(process.waitFor());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
