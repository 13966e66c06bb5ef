package dev.sluice.demo.cluster;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.sluice.sim.load.SseCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * Closed-loop users in front of the replicas, as behind a load balancer: each user sends one
 * streaming chat call with its tenant's fairness id, waits for the end, and sends the next, until
 * the run is stopped. The {@link Balance} picks each call's replica with the user's own random
 * stream, split in a fixed order from the seed, so the same seed gives the same choices. Replicas
 * marked dead get no more calls. Thread-safe.
 */
final class LoadDriver implements AutoCloseable {

  private final ClientFactory factory = ClientFactory.builder().build();
  private final List<WebClient> clients = new ArrayList<>();
  private final CopyOnWriteArrayList<Integer> live = new CopyOnWriteArrayList<>();
  private final Balance balance;
  private final SplittableRandom seeds;

  LoadDriver(List<ReplicaProcess> replicas, Balance balance, long seed) {
    for (int i = 0; i < replicas.size(); i++) {
      clients.add(
          WebClient.builder("http://127.0.0.1:" + replicas.get(i).port())
              .factory(factory)
              .responseTimeoutMillis(0)
              .build());
      live.add(i);
    }
    this.balance = balance;
    this.seeds = new SplittableRandom(seed);
  }

  Balance balance() {
    return balance;
  }

  /** The load balancer stops sending to {@code replica} (its health check failed). */
  void markDead(int replica) {
    live.remove(Integer.valueOf(replica));
  }

  /**
   * Starts {@code users.get(t)} users for each tenant {@code t} (in the map's iteration order,
   * which fixes their random streams).
   */
  Run start(Map<String, Integer> users) {
    return new Run(users);
  }

  @Override
  public void close() {
    factory.close();
  }

  /** One run of the users: stop it to have every call it made. */
  final class Run {
    private final long start = System.nanoTime();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final List<CompletableFuture<Void>> done = new ArrayList<>();

    private Run(Map<String, Integer> users) {
      users.forEach(
          (tenant, count) -> {
            for (int i = 0; i < count; i++) {
              CompletableFuture<Void> finished = new CompletableFuture<>();
              done.add(finished);
              next(tenant, seeds.split(), finished);
            }
          });
    }

    /** Nanoseconds since the run started. */
    long now() {
      return System.nanoTime() - start;
    }

    /** The calls that have ended so far. */
    List<Call> calls() {
      return List.copyOf(calls);
    }

    /** Sends no more calls, waits (up to a minute) for those under way, and returns them all. */
    List<Call> stop() {
      stopping.set(true);
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
          .orTimeout(60, TimeUnit.SECONDS)
          .join();
      return List.copyOf(calls);
    }

    private void next(String tenant, SplittableRandom random, CompletableFuture<Void> finished) {
      int[] replicas = live.stream().mapToInt(Integer::intValue).toArray();
      if (stopping.get() || replicas.length == 0) {
        finished.complete(null);
        return;
      }
      int replica = balance.pick(tenant, replicas, random);
      long sent = now();
      SseCall.start(
          clients.get(replica),
          "/v1/chat/completions",
          Map.of("x-gateway-inference-fairness-id", tenant),
          body(),
          new SseCall.Listener() {
            private volatile long dispatched = -1;
            private volatile int status;
            private volatile String last = "";

            @Override
            public void onHeaders(ResponseHeaders headers) {
              status = headers.status().code();
              if (status == 200) {
                dispatched = now();
              }
            }

            @Override
            public void onEvent(String data) {
              last = data;
            }

            @Override
            public void onEnd(byte[] body, @Nullable Throwable cause) {
              String error = null;
              if (cause != null || status != 200) {
                error = "status " + status + (cause == null ? "" : ", " + cause);
              } else if (!last.equals("[DONE]")) {
                error = "ended without [DONE]";
              }
              calls.add(new Call(tenant, replica, sent, dispatched, now(), error));
              next(tenant, random, finished);
            }
          });
    }
  }

  private static String body() {
    return "{\"model\":\"sluice-sim\",\"stream\":true,\"max_tokens\":"
        + Fleet.MAX_TOKENS
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
  }

  /** {@code count} users for each of the tenants {@code a}, {@code b} and {@code c}. */
  static Map<String, Integer> threeTenants(int count) {
    Map<String, Integer> users = new java.util.LinkedHashMap<>();
    IntStream.range(0, 3).forEach(i -> users.put(String.valueOf((char) ('a' + i)), count));
    return users;
  }
}
