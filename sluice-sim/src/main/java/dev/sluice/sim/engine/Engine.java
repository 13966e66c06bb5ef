package dev.sluice.sim.engine;

import dev.sluice.sim.metrics.Histogram;
import dev.sluice.sim.metrics.MetricsSnapshot;
import dev.sluice.sim.time.SimScheduler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A simulated vLLM-style engine: {@code maxNumSeqs} running slots, a bounded FIFO waiting queue and
 * a KV cache of fixed-size blocks.
 *
 * <p><b>Admission.</b> A request is admitted when a slot is free and the KV blocks for its prompt
 * plus its whole output fit; the simulator knows the output length up front, so it reserves those
 * blocks at admission instead of preempting later. The queue is strictly FIFO: while its head does
 * not fit, nothing behind it is admitted. A request arriving to a full queue is rejected with
 * {@link EngineRejectedException.Reason#QUEUE_FULL}.
 *
 * <p><b>Timing.</b> See {@link EngineConfig}. Time comes only from the injected {@link
 * SimScheduler}, so a manual scheduler makes every run reproducible.
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread. State changes happen under
 * one lock; {@link TokenSink} and {@link EngineObserver} calls are made after releasing it.
 */
public final class Engine {

  private static final String[] WORDS = {
    "the",
    "flow",
    "of",
    "tokens",
    "through",
    "a",
    "sluice",
    "is",
    "fair",
    "and",
    "steady",
    "model",
    "queue",
    "gate",
    "river",
    "water",
    "priority",
    "band",
    "request",
    "stream"
  };

  private final EngineConfig config;
  private final SimScheduler scheduler;
  private final EngineObserver observer;
  private final Object lock = new Object();

  private final Histogram timeToFirstToken = new Histogram(Histogram.TTFT_BUCKETS);
  private final Histogram interTokenLatency = new Histogram(Histogram.ITL_BUCKETS);
  private final Histogram e2eLatency = new Histogram(Histogram.REQUEST_BUCKETS);
  private final Histogram queueTime = new Histogram(Histogram.REQUEST_BUCKETS);

  // Guarded by lock. Ordered by arrival (FCFS), or by priority then arrival (PRIORITY).
  private final PriorityQueue<Sequence> waiting;
  private final Set<Sequence> running = new LinkedHashSet<>();
  private int usedBlocks;
  private long nextId;
  private long promptTokensTotal;
  private long generationTokensTotal;
  private long preemptions;
  private final Map<String, Long> finished = new TreeMap<>();
  private final Map<String, Long> rejected = new TreeMap<>();

  public Engine(EngineConfig config, SimScheduler scheduler, EngineObserver observer) {
    this.config = Objects.requireNonNull(config, "config");
    Comparator<Sequence> byArrival = Comparator.comparingLong(s -> s.id);
    this.waiting =
        new PriorityQueue<>(
            config.schedulingPolicy() == EngineConfig.SchedulingPolicy.PRIORITY
                ? Comparator.<Sequence>comparingInt(s -> s.generation.priority())
                    .thenComparing(byArrival)
                : byArrival);
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  public EngineConfig config() {
    return config;
  }

  /**
   * Accepts a request: admits it at once if it fits, otherwise queues it.
   *
   * @return a ticket that cancels the request
   * @throws EngineRejectedException if the request is too long for the model or the cache, or the
   *     waiting queue is full; nothing is queued then
   */
  public Ticket submit(Generation generation, TokenSink sink) throws EngineRejectedException {
    Objects.requireNonNull(generation, "generation");
    Objects.requireNonNull(sink, "sink");
    int totalTokens = generation.promptTokens() + generation.outputTokens();
    if (totalTokens > config.maxModelLen()) {
      throw reject(
          EngineRejectedException.Reason.CONTEXT_LENGTH,
          "context_length",
          "This model's maximum context length is "
              + config.maxModelLen()
              + " tokens. However, you requested "
              + totalTokens
              + " tokens ("
              + generation.promptTokens()
              + " in the prompt, "
              + generation.outputTokens()
              + " in the completion). Please reduce the length of the prompt or completion.");
    }
    int blocks = config.blocksFor(totalTokens);
    if (blocks > config.kvBlocks()) {
      throw reject(
          EngineRejectedException.Reason.CACHE_TOO_SMALL,
          "cache_too_small",
          "The request needs "
              + blocks
              + " KV-cache blocks but the cache has only "
              + config.kvBlocks()
              + ".");
    }
    Sequence sequence;
    boolean admitted;
    List<Sequence> preempted = new ArrayList<>();
    List<Sequence> others = List.of();
    synchronized (lock) {
      sequence = new Sequence(nextId++, generation, sink, blocks, scheduler.nanoTime());
      if (waiting.isEmpty() && fitsLocked(sequence)) {
        admitLocked(sequence);
        admitted = true;
      } else if (waiting.size() >= config.maxWaitingQueueLength()) {
        rejected.merge("queue_full", 1L, Long::sum);
        sequence = null;
        admitted = false;
      } else {
        sequence.state = State.WAITING;
        waiting.add(sequence);
        // With priority scheduling the newcomer may go ahead of the queue and preempt.
        others = admitWaitingLocked(preempted);
        admitted = others.remove(sequence);
      }
    }
    if (sequence == null) {
      observer.onRejected("queue_full");
      throw new EngineRejectedException(
          EngineRejectedException.Reason.QUEUE_FULL,
          "Failed to enqueue request, waiting requests queue is full");
    }
    preempted.forEach(victim -> observer.onPreempted(victim.id));
    if (admitted) {
      observer.onAdmitted(sequence.id);
    } else {
      observer.onQueued(sequence.id);
    }
    others.forEach(next -> observer.onAdmitted(next.id));
    Sequence accepted = sequence;
    return () -> cancel(accepted);
  }

  /** Counts a request refused outside the engine (for example an injected failure). */
  public void recordRejection(String reason) {
    synchronized (lock) {
      rejected.merge(reason, 1L, Long::sum);
    }
    observer.onRejected(reason);
  }

  /** The current gauges, totals and histograms. */
  public MetricsSnapshot metrics() {
    synchronized (lock) {
      return new MetricsSnapshot(
          running.size(),
          waiting.size(),
          preemptions,
          usedBlocks,
          config.kvBlocks(),
          config.blockSize(),
          promptTokensTotal,
          generationTokensTotal,
          Map.copyOf(new TreeMap<>(finished)),
          Map.copyOf(new TreeMap<>(rejected)),
          timeToFirstToken.snapshot(),
          interTokenLatency.snapshot(),
          e2eLatency.snapshot(),
          queueTime.snapshot());
    }
  }

  private EngineRejectedException reject(
      EngineRejectedException.Reason reason, String label, String message) {
    recordRejection(label);
    return new EngineRejectedException(reason, message);
  }

  private boolean fitsLocked(Sequence sequence) {
    return running.size() < config.maxNumSeqs()
        && usedBlocks + sequence.blocks <= config.kvBlocks();
  }

  private void admitLocked(Sequence sequence) {
    long now = scheduler.nanoTime();
    sequence.state = State.RUNNING;
    running.add(sequence);
    usedBlocks += sequence.blocks;
    // A preempted request recomputes its prompt and what it generated so far (vLLM's recompute).
    int recomputed = sequence.generation.promptTokens() + sequence.generated;
    promptTokensTotal += recomputed;
    if (sequence.generated == 0) {
      queueTime.observe(seconds(now - sequence.arrivalNanos));
    }
    long prefill =
        config.prefillOverhead().toNanos() + recomputed * config.prefillPerToken().toNanos();
    sequence.task =
        scheduler.schedule(() -> emitToken(sequence), delay(prefill, sequence.random()));
  }

  /**
   * Admits waiting requests in queue order while the head fits; with the {@code PRIORITY} policy,
   * first preempts running requests of a higher priority value than the head's until it fits.
   *
   * @param preempted receives the requests sent back to waiting
   */
  private List<Sequence> admitWaitingLocked(List<Sequence> preempted) {
    List<Sequence> admitted = new ArrayList<>();
    while (!waiting.isEmpty()) {
      Sequence head = waiting.peek();
      if (!fitsLocked(head)) {
        Sequence victim =
            config.schedulingPolicy() == EngineConfig.SchedulingPolicy.PRIORITY
                ? lowestRunningBelowLocked(head)
                : null;
        if (victim == null) {
          break;
        }
        releaseLocked(victim, State.WAITING);
        waiting.add(victim);
        preemptions++;
        preempted.add(victim);
        continue;
      }
      waiting.poll();
      admitted.add(head);
      admitLocked(head);
    }
    admitted.removeAll(preempted); // admitted, then preempted again in the same pass
    return admitted;
  }

  private List<Sequence> admitWaitingLocked() {
    return admitWaitingLocked(new ArrayList<>());
  }

  /** The running request vLLM would preempt for {@code head}: the lowest priority, latest. */
  private @Nullable Sequence lowestRunningBelowLocked(Sequence head) {
    Sequence lowest = null;
    for (Sequence candidate : running) {
      if (lowest == null
          || candidate.generation.priority() > lowest.generation.priority()
          || (candidate.generation.priority() == lowest.generation.priority()
              && candidate.id > lowest.id)) {
        lowest = candidate;
      }
    }
    return lowest != null && lowest.generation.priority() > head.generation.priority()
        ? lowest
        : null;
  }

  private void emitToken(Sequence sequence) {
    String text;
    boolean done;
    List<Sequence> admitted = List.of();
    synchronized (lock) {
      if (sequence.state != State.RUNNING) {
        return;
      }
      long now = scheduler.nanoTime();
      sequence.generated++;
      generationTokensTotal++;
      if (sequence.generated == 1) {
        timeToFirstToken.observe(seconds(now - sequence.arrivalNanos));
      } else {
        interTokenLatency.observe(seconds(now - sequence.lastTokenNanos));
      }
      sequence.lastTokenNanos = now;
      text = nextText(sequence);
      done = sequence.generated == sequence.generation.outputTokens();
      if (done) {
        releaseLocked(sequence, State.FINISHED);
        finished.merge(sequence.finishReason(), 1L, Long::sum);
        e2eLatency.observe(seconds(now - sequence.arrivalNanos));
        admitted = admitWaitingLocked();
      } else {
        sequence.task =
            scheduler.schedule(
                () -> emitToken(sequence),
                delay(config.interTokenLatency().toNanos(), sequence.random()));
      }
    }
    try {
      sequence.sink.onToken(text);
      if (done) {
        sequence.sink.onFinished(
            sequence.finishReason(), sequence.generation.promptTokens(), sequence.generated);
      }
    } catch (RuntimeException e) {
      // A sink that cannot take output is a client that went away.
      cancel(sequence);
    }
    if (done) {
      observer.onFinished(sequence.id, sequence.finishReason());
    }
    admitted.forEach(next -> observer.onAdmitted(next.id));
  }

  private void cancel(Sequence sequence) {
    List<Sequence> admitted;
    synchronized (lock) {
      switch (sequence.state) {
        case WAITING:
          waiting.remove(sequence);
          admitted = List.of();
          break;
        case RUNNING:
          releaseLocked(sequence, State.ABORTED);
          admitted = admitWaitingLocked();
          break;
        default:
          return;
      }
      sequence.state = State.ABORTED;
      finished.merge("abort", 1L, Long::sum);
    }
    observer.onAborted(sequence.id);
    admitted.forEach(next -> observer.onAdmitted(next.id));
  }

  private void releaseLocked(Sequence sequence, State newState) {
    running.remove(sequence);
    usedBlocks -= sequence.blocks;
    sequence.state = newState;
    SimScheduler.Cancellable task = sequence.task;
    if (task != null) {
      task.cancel();
    }
  }

  /** One delay: the mean times the load factor, with jitter if configured. Called under lock. */
  private long delay(long meanNanos, SplittableRandom random) {
    double mean = meanNanos * loadFactorLocked();
    if (config.jitter() > 0 && mean > 0) {
      double sample = mean + Generation.nextGaussian(random) * config.jitter() * mean;
      mean = Math.max(0.3 * mean, Math.min(1.7 * mean, sample));
    }
    return (long) mean;
  }

  private double loadFactorLocked() {
    if (config.maxNumSeqs() <= 1) {
      return 1.0;
    }
    return 1
        + (config.timeFactorUnderLoad() - 1) * (running.size() - 1) / (config.maxNumSeqs() - 1);
  }

  private static String nextText(Sequence sequence) {
    SplittableRandom random = sequence.random();
    if (sequence.generated > 1 && random.nextInt(8) == 0) {
      return random.nextBoolean() ? "," : ".";
    }
    String word = WORDS[random.nextInt(WORDS.length)];
    return sequence.generated == 1 ? word : " " + word;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private enum State {
    NEW,
    WAITING,
    RUNNING,
    FINISHED,
    ABORTED
  }

  /** One request's engine-side state; fields other than the finals are guarded by the lock. */
  private static final class Sequence {
    final long id;
    final Generation generation;
    final TokenSink sink;
    final int blocks;
    final long arrivalNanos;
    State state = State.NEW;
    int generated;
    long lastTokenNanos;

    /** The next token's timer; {@code null} until the sequence is admitted. */
    SimScheduler.@Nullable Cancellable task;

    Sequence(long id, Generation generation, TokenSink sink, int blocks, long arrivalNanos) {
      this.id = id;
      this.generation = generation;
      this.sink = sink;
      this.blocks = blocks;
      this.arrivalNanos = arrivalNanos;
    }

    SplittableRandom random() {
      return generation.random();
    }

    String finishReason() {
      return generation.hitsLimit() ? "length" : "stop";
    }
  }
}
