package dev.sluice.sim.load;

import static dev.sluice.sim.Preconditions.checkArgument;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a load run sends, where, and for how long. Immutable; build with {@link #builder()}.
 *
 * <p>{@link Mode#OPEN_LOOP} sends Poisson arrivals at {@code rate} requests per second in total,
 * split between tenants by share, whatever the server does. {@link Mode#CLOSED_LOOP} keeps {@code
 * concurrency} requests in flight, each new one's tenant drawn by share. Either way the run stops
 * sending after {@code maxRequests} requests or {@code duration}, whichever comes first, and then
 * waits up to {@code drainTimeout} for requests in flight before cancelling them.
 *
 * @param target base URL of the server, e.g. {@code http://127.0.0.1:8001}
 * @param path request path, {@code /v1/chat/completions} or {@code /v1/completions}
 * @param model model name to send
 * @param mode open or closed loop
 * @param rate total requests per second for open loop
 * @param concurrency requests in flight for closed loop
 * @param maxRequests requests to send at most
 * @param duration time to keep sending at most
 * @param drainTimeout time to wait for requests in flight after sending stops
 * @param tenants traffic classes, at least one
 * @param slo objectives for tenants that set none
 * @param seed seeds arrivals and tenant choice
 * @param allowNonLoopback whether a target other than a loopback address is allowed
 */
public record LoadSpec(
    URI target,
    String path,
    String model,
    Mode mode,
    double rate,
    int concurrency,
    int maxRequests,
    Duration duration,
    Duration drainTimeout,
    List<Tenant> tenants,
    Slo slo,
    long seed,
    boolean allowNonLoopback) {

  /** How requests are paced. */
  public enum Mode {
    OPEN_LOOP,
    CLOSED_LOOP
  }

  /** Checks the fields. */
  public LoadSpec {
    Objects.requireNonNull(target, "target");
    checkArgument(
        "http".equals(target.getScheme()) && target.getHost() != null,
        "target: %s (expected: an http:// URL with a host)",
        target);
    checkArgument(
        path != null && path.startsWith("/"), "path: %s (expected: a path starting with /)", path);
    checkArgument(model != null && !model.isBlank(), "model: %s (expected: non-blank)", model);
    Objects.requireNonNull(mode, "mode");
    if (mode == Mode.OPEN_LOOP) {
      checkArgument(
          rate > 0 && Double.isFinite(rate),
          "rate: %s (expected: > 0 requests per second for open loop)",
          rate);
    } else {
      checkArgument(
          concurrency >= 1, "concurrency: %s (expected: >= 1 for closed loop)", concurrency);
    }
    checkArgument(maxRequests >= 1, "maxRequests: %s (expected: >= 1)", maxRequests);
    checkArgument(
        duration != null && !duration.isNegative() && !duration.isZero(),
        "duration: %s (expected: > 0)",
        duration);
    checkArgument(
        drainTimeout != null && !drainTimeout.isNegative(),
        "drainTimeout: %s (expected: >= 0)",
        drainTimeout);
    checkArgument(
        tenants != null && !tenants.isEmpty(),
        "tenants: %s (expected: at least one tenant)",
        tenants);
    tenants = List.copyOf(tenants);
    slo = slo == null ? Slo.NONE : slo;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The objectives that apply to {@code tenant}. */
  public Slo sloFor(Tenant tenant) {
    return tenant.slo() != null ? tenant.slo() : slo;
  }

  /** Mutable, single-threaded builder; {@link #build()} validates. */
  public static final class Builder {
    private URI target = URI.create("http://127.0.0.1:8001");
    private String path = "/v1/chat/completions";
    private String model = "sluice-sim";
    private Mode mode = Mode.OPEN_LOOP;
    private double rate = 10;
    private int concurrency = 8;
    private int maxRequests = 100;
    private Duration duration = Duration.ofSeconds(60);
    private Duration drainTimeout = Duration.ofSeconds(30);
    private final List<Tenant> tenants = new ArrayList<>();
    private Slo slo = Slo.NONE;
    private long seed = 1;
    private boolean allowNonLoopback;

    private Builder() {}

    public Builder target(URI value) {
      this.target = value;
      return this;
    }

    public Builder target(String value) {
      return target(URI.create(value));
    }

    public Builder path(String value) {
      this.path = value;
      return this;
    }

    public Builder model(String value) {
      this.model = value;
      return this;
    }

    /** Open loop at {@code requestsPerSecond} in total. */
    public Builder openLoop(double requestsPerSecond) {
      this.mode = Mode.OPEN_LOOP;
      this.rate = requestsPerSecond;
      return this;
    }

    /** Closed loop with {@code inFlight} requests outstanding. */
    public Builder closedLoop(int inFlight) {
      this.mode = Mode.CLOSED_LOOP;
      this.concurrency = inFlight;
      return this;
    }

    public Builder maxRequests(int value) {
      this.maxRequests = value;
      return this;
    }

    public Builder duration(Duration value) {
      this.duration = value;
      return this;
    }

    public Builder drainTimeout(Duration value) {
      this.drainTimeout = value;
      return this;
    }

    public Builder tenant(Tenant value) {
      this.tenants.add(Objects.requireNonNull(value, "tenant"));
      return this;
    }

    public Builder slo(Slo value) {
      this.slo = value;
      return this;
    }

    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    public Builder allowNonLoopback(boolean value) {
      this.allowNonLoopback = value;
      return this;
    }

    public LoadSpec build() {
      return new LoadSpec(
          target,
          path,
          model,
          mode,
          rate,
          concurrency,
          maxRequests,
          duration,
          drainTimeout,
          tenants,
          slo,
          seed,
          allowNonLoopback);
    }
  }
}
