package dev.sluice.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One hardened Lettuce connection and the sync script. Hardened against Lettuce's defaults, which
 * queue commands without bound while disconnected, never time out async commands and replay the
 * abandoned ones after reconnecting: here commands are rejected while disconnected, the request
 * queue is bounded, every command times out, and reconnects back off with jitter to at most {@code
 * maxReconnectDelay}. The script runs by SHA and is sent again on {@code NOSCRIPT} (after a restart
 * or {@code SCRIPT FLUSH}). Connecting is asynchronous and times out after the larger of 1 s and
 * the reconnect cap; a connection that could not be opened is opened again at the next call.
 */
final class RedisLink implements AutoCloseable {
  /** A Lua script and its SHA-1, the name Redis caches it under. */
  record Script(String source, String sha) {
    static Script load(String resource) {
      String source = loadScript(resource);
      return new Script(source, sha1Hex(source));
    }
  }

  /** Heartbeat and reservations: {@code sync.lua}. */
  static final Script SYNC = Script.load("sync.lua");

  /** Per-flow service: {@code service.lua}. */
  static final Script SERVICE = Script.load("service.lua");

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final AtomicLong scriptLoads = new AtomicLong();
  private volatile @Nullable CompletableFuture<StatefulRedisConnection<String, String>> connection;

  RedisLink(RedisURI uri, Duration commandTimeout, int requestQueueSize, Duration maxReconnect) {
    this.uri = uri;
    this.resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2) // Lettuce's minimum
            .computationThreadPoolSize(2)
            .reconnectDelay(
                Delay.equalJitter(Duration.ofMillis(10), maxReconnect, 2, TimeUnit.MILLISECONDS))
            .build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(requestQueueSize)
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(max(Duration.ofSeconds(1), maxReconnect))
                    .build())
            .build());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** The sync script's source. */
  static String script() {
    return SYNC.source();
  }

  /** How many times the script was sent in full (the first time, and after each NOSCRIPT). */
  long scriptLoads() {
    return scriptLoads.get();
  }

  /** Runs the sync script; the reply is a list of longs. Fails if not connected. */
  CompletionStage<List<Object>> sync(String[] keys, String[] args) {
    return run(SYNC, keys, args);
  }

  /** Runs {@code script} by SHA, sending it in full on NOSCRIPT. Fails if not connected. */
  CompletionStage<List<Object>> run(Script script, String[] keys, String[] args) {
    return connected()
        .thenCompose(
            connection ->
                connection
                    .async()
                    .<List<Object>>evalsha(script.sha(), ScriptOutputType.MULTI, keys, args)
                    .exceptionallyCompose(
                        error -> {
                          if (!(unwrap(error) instanceof RedisNoScriptException)) {
                            return CompletableFuture.failedFuture(error);
                          }
                          scriptLoads.incrementAndGet();
                          return connection
                              .async()
                              .eval(script.source(), ScriptOutputType.MULTI, keys, args);
                        }));
  }

  private CompletableFuture<StatefulRedisConnection<String, String>> connected() {
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
    if (current == null || current.isCompletedExceptionally()) {
      current = client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
      connection = current;
    }
    return current;
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null
        && (cause instanceof java.util.concurrent.CompletionException
            || cause instanceof java.util.concurrent.ExecutionException)) {
      cause = cause.getCause();
    }
    return cause;
  }

  @Override
  public void close() {
    CompletableFuture<StatefulRedisConnection<String, String>> current = connection;
    if (current != null && !current.cancel(false) && !current.isCompletedExceptionally()) {
      current.join().close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    boolean unused = resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3000);
  }

  private static String loadScript(String resource) {
    try (InputStream in = RedisLink.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1Hex(String script) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-1")
              .digest(script.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (byte b : digest) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
