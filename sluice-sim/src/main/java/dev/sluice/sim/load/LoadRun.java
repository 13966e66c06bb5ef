package dev.sluice.sim.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.sluice.sim.time.SimScheduler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link LoadSpec} against an OpenAI-compatible server and returns its {@link LoadReport}.
 *
 * <p>Every request streams ({@code stream: true} with {@code include_usage}) and carries the
 * tenant's {@code x-gateway-inference-fairness-id} and {@code x-gateway-inference-objective}
 * headers. Time to first token is measured to the first chunk with non-empty content; output tokens
 * come from the usage chunk when the server sends one, else from the count of non-empty chunks. A
 * failed request's reason is the {@code x-sluice-outcome} response header when present, else the
 * OpenAI error's {@code code} or {@code type}.
 *
 * <p>{@link #run} blocks the calling thread until the run ends; it is safe to call from several
 * threads at once, each call being independent. Time comes from the given {@link SimScheduler}.
 */
public final class LoadRun {

  /** Response header a Sluice gateway sets to say what happened to a request. */
  public static final String OUTCOME_HEADER = "x-sluice-outcome";

  public static final String FAIRNESS_ID_HEADER = "x-gateway-inference-fairness-id";
  public static final String OBJECTIVE_HEADER = "x-gateway-inference-objective";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] WORDS = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"
  };

  private final LoadSpec spec;
  private final SimScheduler clock;
  private final Consumer<String> progress;
  private final WebClient client;
  private final SplittableRandom random;
  private final double totalShare;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final Object lock = new Object();

  // Guarded by lock.
  private final List<RequestRecord> records = new ArrayList<>();
  private final Set<SseCall> inFlight = new HashSet<>();
  private final List<SimScheduler.Cancellable> timers = new ArrayList<>();
  private int issued;
  private boolean sendingStopped;
  private long startNanos;
  private long endNanos;

  private LoadRun(
      LoadSpec spec, SimScheduler clock, Consumer<String> progress, ClientFactory factory) {
    this.spec = spec;
    this.clock = clock;
    this.progress = progress;
    this.random = new SplittableRandom(spec.seed());
    this.totalShare = spec.tenants().stream().mapToDouble(Tenant::share).sum();
    this.client =
        WebClient.builder(spec.target())
            .factory(factory)
            .responseTimeoutMillis(0)
            .maxResponseLength(0)
            .build();
  }

  /** Runs {@code spec} in real time without progress output. */
  public static LoadReport run(LoadSpec spec) {
    try (SimScheduler clock = SimScheduler.realTime(1)) {
      return run(spec, clock, line -> {});
    }
  }

  /**
   * Runs {@code spec}, timing with {@code clock} and passing a one-line progress summary to {@code
   * progress} about once a second.
   *
   * @throws IllegalArgumentException if the target is not a loopback address and the spec does not
   *     allow that
   */
  public static LoadReport run(LoadSpec spec, SimScheduler clock, Consumer<String> progress) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(progress, "progress");
    checkTarget(spec);
    try (ClientFactory factory = ClientFactory.builder().build()) {
      LoadRun run = new LoadRun(spec, clock, progress, factory);
      return run.execute();
    }
  }

  static void checkTarget(LoadSpec spec) {
    if (spec.allowNonLoopback()) {
      return;
    }
    String host = spec.target().getHost();
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalArgumentException(
          "target: "
              + spec.target()
              + " (expected: a loopback "
              + "address such as 127.0.0.1; allow other targets explicitly with --allow-non-loopback or allowNonLoopback: true)");
    }
  }

  private LoadReport execute() {
    synchronized (lock) {
      startNanos = clock.nanoTime();
      timers.add(clock.schedule(this::stopSending, spec.duration().toNanos()));
      timers.add(clock.schedule(this::reportProgress, 1_000_000_000L));
      if (spec.mode() == LoadSpec.Mode.OPEN_LOOP) {
        for (Tenant tenant : spec.tenants()) {
          scheduleArrival(tenant);
        }
      }
    }
    if (spec.mode() == LoadSpec.Mode.CLOSED_LOOP) {
      for (int i = 0; i < spec.concurrency(); i++) {
        sendNext(null);
      }
    }
    done.join();
    List<RequestRecord> result;
    double elapsed;
    synchronized (lock) {
      timers.forEach(SimScheduler.Cancellable::cancel);
      result = List.copyOf(records);
      elapsed = (endNanos - startNanos) / 1e9;
    }
    progress.accept(progressLine());
    return LoadReport.of(spec, result, elapsed);
  }

  /** Open loop: Poisson arrivals per tenant at its share of the rate. Called under lock. */
  private void scheduleArrival(Tenant tenant) {
    double rate = spec.rate() * tenant.share() / totalShare;
    double seconds = -Math.log(1 - random.nextDouble()) / rate;
    timers.add(
        clock.schedule(
            () -> {
              boolean keepGoing;
              synchronized (lock) {
                keepGoing = !sendingStopped;
                if (keepGoing) {
                  scheduleArrival(tenant);
                }
              }
              if (keepGoing) {
                sendNext(tenant);
              }
            },
            (long) (seconds * 1e9)));
  }

  /** Sends one request for {@code tenant}, or a tenant drawn by share when {@code null}. */
  private void sendNext(@Nullable Tenant tenant) {
    String body;
    Map<String, String> headers;
    Recorder recorder;
    synchronized (lock) {
      if (sendingStopped || issued >= spec.maxRequests()) {
        stopSendingLocked();
        return;
      }
      issued++;
      if (issued == spec.maxRequests()) {
        sendingStopped = true;
      }
      Tenant chosen = tenant != null ? tenant : drawTenantLocked();
      body = body(chosen);
      headers = headers(chosen);
      recorder = new Recorder(chosen, clock.nanoTime());
    }
    SseCall call = SseCall.start(client, spec.path(), headers, body, recorder);
    synchronized (lock) {
      recorder.call = call;
      if (!recorder.finished) {
        inFlight.add(call);
      }
    }
  }

  private Tenant drawTenantLocked() {
    double pick = random.nextDouble() * totalShare;
    for (Tenant tenant : spec.tenants()) {
      pick -= tenant.share();
      if (pick < 0) {
        return tenant;
      }
    }
    return spec.tenants().get(spec.tenants().size() - 1);
  }

  private String body(Tenant tenant) {
    StringBuilder prompt = new StringBuilder();
    for (int i = 0; i < tenant.promptTokens(); i++) {
      if (i > 0) {
        prompt.append(' ');
      }
      prompt.append(WORDS[random.nextInt(WORDS.length)]);
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("model", spec.model());
    if (spec.path().contains("chat")) {
      root.putArray("messages").addObject().put("role", "user").put("content", prompt.toString());
    } else {
      root.put("prompt", prompt.toString());
    }
    root.put("max_tokens", tenant.outputTokens());
    root.put("stream", true);
    root.putObject("stream_options").put("include_usage", true);
    return root.toString();
  }

  private static Map<String, String> headers(Tenant tenant) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (tenant.fairnessId() != null) {
      headers.put(FAIRNESS_ID_HEADER, tenant.fairnessId());
    }
    if (tenant.objective() != null) {
      headers.put(OBJECTIVE_HEADER, tenant.objective());
    }
    headers.putAll(tenant.headers());
    return headers;
  }

  private void stopSending() {
    synchronized (lock) {
      stopSendingLocked();
      if (!done.isDone()) {
        timers.add(clock.schedule(this::cancelInFlight, spec.drainTimeout().toNanos()));
      }
    }
  }

  private void stopSendingLocked() {
    sendingStopped = true;
    finishIfIdleLocked();
  }

  private void cancelInFlight() {
    List<SseCall> toCancel;
    synchronized (lock) {
      toCancel = new ArrayList<>(inFlight);
    }
    toCancel.forEach(SseCall::cancel);
  }

  private void finishIfIdleLocked() {
    if (sendingStopped && inFlight.isEmpty() && records.size() == issued && !done.isDone()) {
      endNanos = clock.nanoTime();
      done.complete(null);
    }
  }

  private void record(Recorder recorder, RequestRecord record) {
    boolean sendAnother;
    synchronized (lock) {
      recorder.finished = true;
      if (recorder.call != null) {
        inFlight.remove(recorder.call);
      }
      records.add(record);
      sendAnother = spec.mode() == LoadSpec.Mode.CLOSED_LOOP && !sendingStopped;
      finishIfIdleLocked();
    }
    if (sendAnother) {
      sendNext(null);
    }
  }

  private void reportProgress() {
    synchronized (lock) {
      if (done.isDone()) {
        return;
      }
      timers.add(clock.schedule(this::reportProgress, 1_000_000_000L));
    }
    progress.accept(progressLine());
  }

  private String progressLine() {
    synchronized (lock) {
      long ok = records.stream().filter(RequestRecord::succeeded).count();
      long r429 = records.stream().filter(r -> r.status() == 429).count();
      long r503 = records.stream().filter(r -> r.status() == 503).count();
      double elapsed = ((done.isDone() ? endNanos : clock.nanoTime()) - startNanos) / 1e9;
      return String.format(
          Locale.ROOT,
          "%6.1fs sent %d/%d  in flight %d  ok %d  429 %d  503 %d  other %d",
          elapsed,
          issued,
          spec.maxRequests(),
          inFlight.size(),
          ok,
          r429,
          r503,
          records.size() - ok - r429 - r503);
    }
  }

  /** Records one request as its response arrives. Called by one event-loop thread at a time. */
  private final class Recorder implements SseCall.Listener {
    private final Tenant tenant;
    private final long sentNanos;
    private final List<Long> tokenTimes = new ArrayList<>();
    @Nullable SseCall call; // guarded by lock; null until SseCall.start returns
    boolean finished; // guarded by lock
    private int status;
    private @Nullable String outcome; // the OUTCOME_HEADER, when the response has one
    private @Nullable String errorReason; // from an error or malformed chunk, if any
    private boolean completed;
    private int usageTokens = -1;

    Recorder(Tenant tenant, long sentNanos) {
      this.tenant = tenant;
      this.sentNanos = sentNanos;
    }

    @Override
    public void onHeaders(ResponseHeaders headers) {
      status = headers.status().code();
      outcome = headers.get(OUTCOME_HEADER);
    }

    @Override
    public void onEvent(String data) {
      long now = clock.nanoTime();
      if ("[DONE]".equals(data)) {
        completed = true;
        return;
      }
      JsonNode chunk;
      try {
        chunk = JSON.readTree(data);
      } catch (IOException e) {
        errorReason = "malformed-chunk";
        return;
      }
      if (chunk.has("error")) {
        errorReason = errorReason(chunk);
        return;
      }
      JsonNode usage = chunk.get("usage");
      if (usage != null && usage.has("completion_tokens")) {
        usageTokens = usage.get("completion_tokens").asInt();
      }
      JsonNode choice = chunk.path("choices").path(0);
      String text =
          choice.has("delta")
              ? choice.path("delta").path("content").asText("")
              : choice.path("text").asText("");
      if (!text.isEmpty()) {
        tokenTimes.add(now);
      }
    }

    @Override
    public void onEnd(byte[] body, @Nullable Throwable cause) {
      long end = clock.nanoTime();
      String reason = outcome;
      if (status != 200 && status != 0 && reason == null) {
        try {
          reason = errorReason(JSON.readTree(new String(body, StandardCharsets.UTF_8)));
        } catch (IOException e) {
          reason = null;
        }
        if (reason == null) {
          reason = "http-" + status;
        }
      }
      if (reason == null && errorReason != null) {
        reason = errorReason;
      }
      if (reason == null && !completed) {
        reason =
            cause == null
                ? "incomplete-stream"
                : status == 0 ? "no-response: " + cause.getClass().getSimpleName() : "cancelled";
      }
      long[] gaps = new long[Math.max(0, tokenTimes.size() - 1)];
      for (int i = 1; i < tokenTimes.size(); i++) {
        gaps[i - 1] = tokenTimes.get(i) - tokenTimes.get(i - 1);
      }
      boolean ok = status == 200 && completed && errorReason == null;
      RequestRecord record =
          new RequestRecord(
              tenant.name(),
              tenant.priority(),
              status,
              ok ? null : reason,
              ok,
              tokenTimes.isEmpty() ? -1 : tokenTimes.get(0) - sentNanos,
              gaps,
              end - sentNanos,
              usageTokens >= 0 ? usageTokens : tokenTimes.size());
      record(this, record);
    }

    private @Nullable String errorReason(JsonNode root) {
      JsonNode error = root == null ? null : root.get("error");
      if (error == null || !error.isObject()) {
        return null;
      }
      JsonNode code = error.get("code");
      if (code != null && !code.isNull() && !code.asText().isEmpty()) {
        return code.asText();
      }
      JsonNode type = error.get("type");
      return type != null && !type.isNull() ? type.asText() : null;
    }
  }
}
