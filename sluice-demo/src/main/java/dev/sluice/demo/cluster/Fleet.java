package dev.sluice.demo.cluster;

import dev.sluice.sim.engine.EngineConfig;
import dev.sluice.sim.server.SimulatorServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A pool as a {@link Setup} describes it: one simulated backend with room for far more than the
 * limit (so that what it runs at once is what the gateways let through, counted by a {@link
 * BackendProbe}), and the replicas, each a {@link ReplicaProcess} with a generated {@code
 * sluice.yaml}. Closing it kills the replicas and stops the backend. Thread-safe.
 */
final class Fleet implements AutoCloseable {

  /** The pool name the replicas share under in Redis. */
  static final String POOL = "scaleout";

  /** The tokens each request generates: 20 ms prefill + 8 × 15 ms, about 140 ms on the backend. */
  static final int MAX_TOKENS = 8;

  private final Setup setup;
  private final int limit;
  private final BackendProbe probe = new BackendProbe();
  private final SimulatorServer backend;
  private final List<ReplicaProcess> replicas = new ArrayList<>();

  /**
   * Starts the backend and the replicas (together), and returns once every replica serves.
   *
   * @param redis the Redis the replicas share through, if {@code setup.redis()}
   */
  Fleet(Setup setup, int limit, @Nullable RedisProcess redis) {
    if (setup.redis() && redis == null) {
      throw new IllegalArgumentException(setup.name() + " needs a Redis");
    }
    this.setup = setup;
    this.limit = limit;
    this.backend =
        SimulatorServer.builder()
            .host("127.0.0.1")
            .port(0)
            .engine(EngineConfig.builder().maxNumSeqs(8 * limit).jitter(0).build())
            .observer(probe)
            .build()
            .start();
    probe.watch(() -> backend.engine().metrics().running());
    List<CompletableFuture<ReplicaProcess>> starting = new ArrayList<>();
    for (int i = 0; i < setup.replicas(); i++) {
      String yaml = yaml(i, redis);
      String name = "replica-" + i;
      starting.add(CompletableFuture.supplyAsync(() -> start(name, yaml)));
    }
    try {
      for (CompletableFuture<ReplicaProcess> replica : starting) {
        replicas.add(replica.join());
      }
    } catch (RuntimeException e) {
      for (CompletableFuture<ReplicaProcess> replica : starting) {
        try {
          replica.join().close();
        } catch (RuntimeException failed) {
          e.addSuppressed(failed);
        }
      }
      backend.close();
      throw e;
    }
  }

  Setup setup() {
    return setup;
  }

  int limit() {
    return limit;
  }

  BackendProbe probe() {
    return probe;
  }

  List<ReplicaProcess> replicas() {
    return replicas;
  }

  /** Whether every live replica reports mode {@code mode} on {@code /metrics}. */
  boolean allInMode(String mode) {
    return replicas.stream().filter(ReplicaProcess::isAlive).allMatch(r -> r.inMode(mode));
  }

  private static ReplicaProcess start(String name, String yaml) {
    try {
      return ReplicaProcess.start(name, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Replica {@code index}'s configuration: the backend, the limit as its own concurrency bound, and
   * in mode redis the shared pool limit (fail-open) and global fairness, with the default timings
   * but a 250 ms command timeout (the machine may be busy).
   */
  private String yaml(int index, @Nullable RedisProcess redis) {
    String cluster =
        redis == null
            ? "cluster: {mode: local}\n"
            : """
            cluster:
              mode: redis
              uri: %s
              pool: %s
              replicaId: replica-%d
              commandTimeout: 250ms
              expectedReplicas: %d
              fairness: global
              limits:
                pool: {limit: %d, failurePolicy: failOpen}
            """
                .formatted(redis.uri(), POOL, index, setup.replicas(), limit);
    return """
        server: {host: 127.0.0.1, port: 0, gracefulShutdown: 1s}
        admin: {host: 127.0.0.1, port: 0}
        backends: [http://127.0.0.1:%d]
        saturation: {detector: concurrency, maxConcurrency: %d}
        flowControl:
          defaultTtl: 0s
        """
            .formatted(backend.port(), limit)
        + cluster;
  }

  @Override
  public void close() {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (ReplicaProcess replica : replicas) {
      stops.add(CompletableFuture.runAsync(replica::close));
    }
    stops.add(backend.closeAsync());
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
  }

  /** How long the backend takes per request, for sizing runs. */
  static Duration serviceTime() {
    return Duration.ofMillis(20 + 15L * MAX_TOKENS);
  }
}
