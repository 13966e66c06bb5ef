package dev.sluice.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.MediaType;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.pipeline.ItemLease;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.PipelineException;
import dev.sluice.pipeline.PipelineStatus;
import dev.sluice.pipeline.ResultLease;
import dev.sluice.pipeline.ResultRef;
import dev.sluice.pipeline.WorkItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run of the pipeline demo: producers lease prompts, generate each through the gateway, and
 * commit a result sized by its completion tokens; one consumer gathers whole batches, trains on
 * each for a while and acks it. Everything is event-driven: producers wait on the pipeline's
 * futures and the HTTP responses, the consumer's training is a timer. Confined to the thread that
 * calls {@link #run}, which blocks for the run's length.
 */
final class DemoRun {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
  private static final Duration LONG_POLL = Duration.ofSeconds(1);
  private static final int PROMPTS = 20_000;

  private final DemoSetup setup;
  private final boolean backpressure;
  private final WebClient gateway;
  private final String model;
  private final Scheduler scheduler = Scheduler.system();
  private final Ticker ticker = Ticker.system();
  private final Pipeline pipeline;
  private final AtomicLong generated = new AtomicLong();
  private final AtomicLong wasted = new AtomicLong();
  private final AtomicLong steps = new AtomicLong();
  private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
  private final List<ResultLease> batch = new ArrayList<>(); // the consumer's, one chain at a time
  private final long started;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean stopped;

  private DemoRun(DemoSetup setup, boolean backpressure, int gatewayPort, String model) {
    this.setup = setup;
    this.model = model;
    this.backpressure = backpressure;
    this.gateway = WebClient.of("http://127.0.0.1:" + gatewayPort);
    this.pipeline = Pipeline.create(setup.pipeline(backpressure));
    this.started = ticker.read();
  }

  /**
   * Runs once against the gateway on {@code gatewayPort}, serving {@code model}; blocks for {@code
   * setup.phase()}.
   */
  static RunReport run(DemoSetup setup, boolean backpressure, int gatewayPort, String model)
      throws InterruptedException {
    return new DemoRun(setup, backpressure, gatewayPort, model).run();
  }

  private RunReport run() throws InterruptedException {
    List<WorkItem> prompts = new ArrayList<>(PROMPTS);
    for (int i = 0; i < PROMPTS; i++) {
      prompts.add(new WorkItem("prompt-" + i, "Write a short answer to question " + i + "."));
    }
    pipeline.add(prompts);
    sample();
    for (int w = 0; w < setup.workers(); w++) {
      for (int slot = 0; slot < setup.slotsPerWorker(); slot++) {
        produce("worker-" + w);
      }
    }
    gather();
    scheduler.schedule(done::countDown, setup.phase().toNanos());
    done.await(setup.phase().toMillis() + 60_000, TimeUnit.MILLISECONDS);
    stopped = true;
    PipelineStatus status = pipeline.status();
    pipeline.close(); // fails the waiting futures; results of requests still running are dropped
    return new RunReport(
        backpressure ? "with backpressure" : "without backpressure",
        status,
        List.copyOf(samples),
        generated.get(),
        wasted.get(),
        steps.get());
  }

  /** One producer slot: lease a prompt, generate, commit, again. */
  private void produce(String worker) {
    if (stopped) {
      return;
    }
    CompletableFuture<Void> unused =
        pipeline
            .leaseAsync(worker, 1, LONG_POLL)
            .thenAccept(
                leased -> {
                  if (leased.isEmpty()) {
                    produce(worker);
                  } else {
                    generate(worker, leased.leases().get(0));
                  }
                });
  }

  private void generate(String worker, ItemLease lease) {
    String body =
        JSON.createObjectNode()
            .put("model", model)
            .put("prompt", lease.payload())
            .put("max_tokens", setup.maxTokens(lease.itemId()))
            .toString();
    CompletableFuture<Void> unused =
        gateway
            .prepare()
            .post("/v1/completions")
            .content(MediaType.JSON_UTF_8, body)
            .execute()
            .aggregate()
            .handle(
                (response, error) -> {
                  finish(worker, lease, response, error);
                  return null;
                });
  }

  private void finish(
      String worker, ItemLease lease, AggregatedHttpResponse response, Throwable error) {
    if (stopped) {
      return;
    }
    try {
      int tokens = error == null ? completionTokens(response) : -1;
      if (tokens < 0) {
        pipeline.fail(worker, lease.leaseId(), "generation failed", true);
      } else {
        long count = generated.incrementAndGet();
        if (count == setup.stopAfterGenerations()) {
          done.countDown();
        }
        long bytes = tokens * setup.bytesPerToken();
        pipeline.commit(worker, lease.leaseId(), new ResultRef("mem://" + lease.itemId(), bytes));
      }
    } catch (PipelineException e) {
      if (e.reason() == PipelineException.Reason.OVER_CAPACITY) {
        wasted.incrementAndGet();
      }
    }
    produce(worker);
  }

  private static int completionTokens(AggregatedHttpResponse response) {
    if (response.status().code() != 200) {
      return -1;
    }
    try {
      JsonNode tokens =
          JSON.readTree(response.contentUtf8()).path("usage").path("completion_tokens");
      return tokens.isInt() ? tokens.intValue() : -1;
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  /** The consumer: gathers one whole batch (in lease calls of at most its cap), then trains. */
  private void gather() {
    if (stopped) {
      return;
    }
    int want = Math.min(setup.leaseCap(), setup.batch() - batch.size());
    CompletableFuture<Void> unused =
        pipeline
            .leaseResultsAsync("trainer", want, LONG_POLL)
            .thenAccept(
                got -> {
                  batch.addAll(got);
                  if (batch.size() < setup.batch()) {
                    gather();
                  } else {
                    scheduler.schedule(this::step, setup.step().toNanos());
                  }
                });
  }

  /** The end of one training step: the whole batch is acked at once. */
  private void step() {
    if (stopped) {
      return;
    }
    try {
      for (ResultLease lease : batch) {
        pipeline.ack("trainer", lease.leaseId());
      }
    } catch (PipelineException e) {
      return; // closed at the end of the run
    }
    batch.clear();
    steps.incrementAndGet();
    gather();
  }

  private void sample() {
    if (stopped) {
      return;
    }
    PipelineStatus s = pipeline.status();
    samples.add(new Sample((ticker.read() - started) / 1e9, s.residentBytes(), s.reservedBytes()));
    scheduler.schedule(this::sample, SAMPLE_EVERY.toNanos());
  }
}
