package dev.sluice.backpressure;

import dev.sluice.flow.FlowConfigException;
import dev.sluice.flow.Ticker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of a {@link BackpressureController}: watermarks per signal, the consumer
 * quantum, the caps, and the injected reporter, clock and listeners. Immutable and thread-safe once
 * built.
 *
 * <p>Every lever is off by default: a configuration with nothing set never pauses and grants
 * whatever is asked, as if there were no backpressure. {@link Builder#build()} validates every
 * field at once and throws a {@link FlowConfigException} listing each problem with the field, the
 * value and what was expected, for example {@code watermarks[residentBytes].high: 10 (expected: >=
 * low 20)}.
 */
public final class BackpressureConfig {

  /** The value of a cap that means "no cap": {@value}. */
  public static final int UNLIMITED = 0;

  private final List<Watermark> watermarks;
  private final List<String> signals;
  private final @Nullable String quantumSignal; // null: no consumer quantum
  private final long consumerQuantum;
  private final int maxInFlightPerProducer;
  private final int maxLeasePerCall;
  private final @Nullable CapacityReporter reporter; // null: levels are only pushed
  private final Ticker ticker;
  private final List<BackpressureListener> listeners;

  private BackpressureConfig(Builder builder, List<String> signals) {
    this.watermarks = List.copyOf(builder.watermarks);
    this.signals = List.copyOf(signals);
    this.quantumSignal = builder.quantumSignal;
    this.consumerQuantum = builder.consumerQuantum;
    this.maxInFlightPerProducer = builder.maxInFlightPerProducer;
    this.maxLeasePerCall = builder.maxLeasePerCall;
    this.reporter = builder.reporter;
    this.ticker = builder.ticker;
    this.listeners = List.copyOf(builder.listeners);
  }

  /**
   * Starts a builder with every lever off.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The watermarks, in the order they were added.
   *
   * @return the watermarks; empty if the latch never pauses
   */
  public List<Watermark> watermarks() {
    return watermarks;
  }

  /**
   * Every signal the controller tracks: the watermarked ones, then the quantum's if it has no
   * watermark.
   *
   * @return the signal names
   */
  public List<String> signals() {
    return signals;
  }

  /**
   * The signal the consumer quantum is measured on.
   *
   * @return the signal, or empty if no quantum is set
   */
  public Optional<String> quantumSignal() {
    return Optional.ofNullable(quantumSignal);
  }

  /**
   * The consumer quantum: while the quantum signal is below it, the latch does not pause.
   *
   * @return the quantum; 0 if none is set
   */
  public long consumerQuantum() {
    return consumerQuantum;
  }

  /**
   * The most items one producer may hold in flight.
   *
   * @return the cap, or {@link #UNLIMITED}
   */
  public int maxInFlightPerProducer() {
    return maxInFlightPerProducer;
  }

  /**
   * The most items one consumer lease may return.
   *
   * @return the cap, or {@link #UNLIMITED}
   */
  public int maxLeasePerCall() {
    return maxLeasePerCall;
  }

  /**
   * The reporter {@link BackpressureController#refresh()} reads.
   *
   * @return the reporter, or empty if levels are only pushed with {@link
   *     BackpressureController#update}
   */
  public Optional<CapacityReporter> reporter() {
    return Optional.ofNullable(reporter);
  }

  /**
   * The clock behind paused and starved time.
   *
   * @return the ticker
   */
  public Ticker ticker() {
    return ticker;
  }

  /**
   * The transition listeners, in the order they are called.
   *
   * @return the listeners
   */
  public List<BackpressureListener> listeners() {
    return listeners;
  }

  /** Builds a {@link BackpressureConfig}. Not thread-safe: confine it to one thread. */
  public static final class Builder {
    private final List<Watermark> watermarks = new ArrayList<>();
    private @Nullable String quantumSignal;
    private long consumerQuantum;
    private int maxInFlightPerProducer = UNLIMITED;
    private int maxLeasePerCall = UNLIMITED;
    private @Nullable CapacityReporter reporter;
    private Ticker ticker = Ticker.system();
    private final List<BackpressureListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a watermark on {@code signal}: pause at or above {@code high}, resume at or below {@code
     * low}. With {@code low == high}, resume needs a level strictly below it, so a level sitting on
     * the mark never flaps (see {@link BackpressureController}). The latch pauses when any signal
     * reaches its high mark and resumes only when every signal is back at its low mark. Default:
     * none, the latch never pauses.
     *
     * @param signal the signal's name, unique among watermarks, not blank
     * @param low the resume mark, {@code 0 <= low <= high}
     * @param high the pause mark, {@code > 0}
     * @return this builder
     */
    public Builder watermark(String signal, long low, long high) {
      watermarks.add(new Watermark(signal, low, high));
      return this;
    }

    /**
     * The consumer's quantum: it acks whole batches of {@code quantum} (items, or their bytes) on
     * {@code signal}, so it cannot free anything until that much is resident. The latch never
     * pauses while {@code signal} is below {@code quantum}, and resumes if it falls below while
     * paused; otherwise a byte watermark below one batch would leave the consumer waiting for items
     * the paused producer never makes. A watermark on {@code signal} itself must have both marks at
     * or above the quantum. The quantum's signal must be reported like the others: until it is, it
     * reads 0 and nothing pauses. Default: none.
     *
     * @param signal the signal the quantum is measured on (resident items, say); it may have no
     *     watermark
     * @param quantum the batch size, {@code > 0}
     * @return this builder
     */
    public Builder consumerQuantum(String signal, long quantum) {
      this.quantumSignal = signal;
      this.consumerQuantum = quantum;
      return this;
    }

    /**
     * The most items one producer may hold in flight: a grant is {@code max(0, min(requested, cap -
     * inFlight))}. Bounds what one greedy producer takes and what is lost when it dies. Default
     * {@link #UNLIMITED}; {@code >= 0}.
     *
     * @param cap the cap, or {@link #UNLIMITED}
     * @return this builder
     */
    public Builder maxInFlightPerProducer(int cap) {
      this.maxInFlightPerProducer = cap;
      return this;
    }

    /**
     * The most items one consumer lease may return: {@link BackpressureController#leaseLimit} is
     * {@code min(requested, cap)}. Per call, not a total. A consumer whose batch is larger leases
     * several times; set {@link #consumerQuantum} so the producer keeps filling the batch. Default
     * {@link #UNLIMITED}; {@code >= 0}.
     *
     * @param cap the cap, or {@link #UNLIMITED}
     * @return this builder
     */
    public Builder maxLeasePerCall(int cap) {
      this.maxLeasePerCall = cap;
      return this;
    }

    /**
     * The data plane's reporter, read by {@link BackpressureController#refresh()}. Default none:
     * levels are pushed with {@link BackpressureController#update}.
     *
     * @param reporter the reporter
     * @return this builder
     */
    public Builder reporter(CapacityReporter reporter) {
      this.reporter = Objects.requireNonNull(reporter, "reporter");
      return this;
    }

    /**
     * The clock for paused and starved time. Default {@link Ticker#system()}.
     *
     * @param ticker the clock
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Adds a transition listener; listeners are called in the order added. Default none.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(BackpressureListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Returns the configuration.
     *
     * @return the validated configuration
     * @throws FlowConfigException listing every invalid value
     */
    public BackpressureConfig build() {
      List<String> errors = new ArrayList<>();
      Set<String> signals = new LinkedHashSet<>();
      Map<String, Watermark> bySignal = new HashMap<>();
      for (int i = 0; i < watermarks.size(); i++) {
        Watermark mark = watermarks.get(i);
        String signal = mark.signal();
        if (signal == null || signal.isBlank()) {
          errors.add(
              "watermarks[" + i + "].signal: " + quoted(signal) + " (expected: a name, not blank)");
          continue;
        }
        String field = "watermarks[" + signal + "].";
        if (!signals.add(signal)) {
          errors.add(
              field + "signal: " + quoted(signal) + " (expected: unique, it has two watermarks)");
          continue;
        }
        bySignal.put(signal, mark);
        if (mark.high() <= 0) {
          errors.add(field + "high: " + mark.high() + " (expected: > 0)");
        }
        if (mark.low() < 0) {
          errors.add(field + "low: " + mark.low() + " (expected: >= 0)");
        } else if (mark.high() > 0 && mark.high() < mark.low()) {
          errors.add(field + "high: " + mark.high() + " (expected: >= low " + mark.low() + ")");
        }
      }
      if (quantumSignal != null || consumerQuantum != 0) {
        if (quantumSignal == null || quantumSignal.isBlank()) {
          errors.add(
              "consumerQuantum.signal: "
                  + quoted(quantumSignal)
                  + " (expected: a name, not blank)");
        } else {
          signals.add(quantumSignal);
        }
        if (consumerQuantum <= 0) {
          errors.add("consumerQuantum: " + consumerQuantum + " (expected: > 0)");
        } else if (quantumSignal != null && bySignal.containsKey(quantumSignal)) {
          Watermark mark = bySignal.get(quantumSignal);
          String field = "watermarks[" + quantumSignal + "].";
          if (mark.low() < consumerQuantum) {
            errors.add(
                field
                    + "low: "
                    + mark.low()
                    + " (expected: >= consumerQuantum "
                    + consumerQuantum
                    + ")");
          }
          if (mark.high() < consumerQuantum) {
            errors.add(
                field
                    + "high: "
                    + mark.high()
                    + " (expected: >= consumerQuantum "
                    + consumerQuantum
                    + ")");
          }
        }
      }
      if (maxInFlightPerProducer < 0) {
        errors.add(
            "maxInFlightPerProducer: "
                + maxInFlightPerProducer
                + " (expected: >= 0, 0 = unlimited)");
      }
      if (maxLeasePerCall < 0) {
        errors.add("maxLeasePerCall: " + maxLeasePerCall + " (expected: >= 0, 0 = unlimited)");
      }
      if (!errors.isEmpty()) {
        throw new FlowConfigException(errors);
      }
      return new BackpressureConfig(this, new ArrayList<>(signals));
    }

    private static String quoted(@Nullable String value) {
      return value == null ? "null" : "\"" + value + "\"";
    }
  }
}
