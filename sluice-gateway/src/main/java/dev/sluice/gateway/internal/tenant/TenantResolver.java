package dev.sluice.gateway.internal.tenant;

import static dev.sluice.internal.Preconditions.checkArgument;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.RequestHeaders;
import dev.sluice.flow.Ticker;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.config.Tenant;
import dev.sluice.gateway.config.TenantsConfig;
import dev.sluice.gateway.internal.proxy.Errors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns a request's headers into its flow: the flow id and the priority, after authenticating the
 * caller and holding it to its tenant's limits.
 *
 * <p>In {@link TenantsConfig.Mode#TRUSTED_HEADERS} (the mode without a {@code tenants} section) the
 * headers are believed: the flow id is the first fairness header present (else the default id), the
 * priority that of the objective header (or the direct priority header, where one is configured).
 *
 * <p>In {@link TenantsConfig.Mode#KEYS} the tenant is the owner of the {@code Authorization:
 * Bearer} key, or the anonymous tenant if the key is missing or unknown and one is configured;
 * otherwise the answer is 401 {@code invalid_api_key}. The flow id is {@code tenant/end-user}, the
 * end user being the fairness header's value (else the default id), so that {@code
 * hierarchical-fair} shares each band between tenants first. The requested priority is clamped to
 * the tenant's ceiling: a header can only lower it, and each clamp is counted in {@code
 * sluice_gateway_tenant_objective_clamped_total{tenant}}. A tenant at its {@code
 * maxConcurrentRequests} or {@code maxQueuedRequests}, or over its {@code tokensPerMinute} (see
 * {@link Identified#charge}), gets 429 with {@code Retry-After}.
 *
 * <p>Thread-safe; one instance serves every request.
 */
public final class TenantResolver {

  /** {@code x-sluice-outcome} (and error code) when a tenant is over one of its limits. */
  public static final String TENANT_LIMIT = "rejected-tenant-limit";

  /** The error code of a missing or unknown API key, as OpenAI's. */
  public static final String INVALID_API_KEY = "invalid_api_key";

  private final GatewayConfig config;
  private final GatewayConfig.Identity identity;
  private final @Nullable TenantRegistry registry;
  private final MeterRegistry meters;
  private final Ticker ticker;
  private final ConcurrentHashMap<String, TenantUsage> usage = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TokenBudget> budgets = new ConcurrentHashMap<>();

  /**
   * Creates the resolver.
   *
   * @param registry the tenants; required in {@link TenantsConfig.Mode#KEYS}
   * @param ticker the clock of {@code tokensPerMinute}
   */
  public TenantResolver(
      GatewayConfig config,
      @Nullable TenantRegistry registry,
      MeterRegistry meters,
      Ticker ticker) {
    checkArgument(
        config.tenants().mode() != TenantsConfig.Mode.KEYS || registry != null,
        "registry: null (expected: the tenants, in mode keys)");
    this.config = config;
    this.identity = config.identity();
    this.registry = registry;
    this.meters = meters;
    this.ticker = ticker;
  }

  /** A request's flow, and what it holds of its tenant's limits. */
  public final class Identified {
    private final String flowId;
    private final int priority;
    private final @Nullable Tenant tenant;
    private final TenantUsage.@Nullable Lease lease;

    Identified(
        String flowId, int priority, @Nullable Tenant tenant, TenantUsage.@Nullable Lease lease) {
      this.flowId = flowId;
      this.priority = priority;
      this.tenant = tenant;
      this.lease = lease;
    }

    /**
     * Charges the request's estimated tokens to its tenant's {@code tokensPerMinute}.
     *
     * @throws Refused with a 429 whose {@code Retry-After} is when the tenant could send it
     */
    public void charge(long cost) throws Refused {
      Tenant owner = tenant;
      if (owner == null || owner.tokensPerMinute() == 0) {
        return;
      }
      long now = ticker.read();
      TokenBudget budget =
          budgets.computeIfAbsent(owner.id(), id -> new TokenBudget(owner.tokensPerMinute(), now));
      Duration wait = budget.take(cost, now);
      if (!wait.isZero()) {
        throw new Refused(
            Errors.response(
                HttpStatus.TOO_MANY_REQUESTS,
                TENANT_LIMIT,
                "Tenant "
                    + owner.id()
                    + " is over its tokensPerMinute of "
                    + owner.tokensPerMinute()
                    + "; try again in "
                    + Math.max(1, wait.toSeconds())
                    + " s.",
                "rate_limit_error",
                null,
                wait));
      }
    }

    /** The flow id: {@code tenant/end-user} in keys mode. */
    public String flowId() {
      return flowId;
    }

    /** The priority, clamped to the tenant's ceiling in keys mode. */
    public int priority() {
      return priority;
    }

    /** The request's place in the queue ends when {@code admission} completes, either way. */
    public void queuedUntil(CompletableFuture<?> admission) {
      TenantUsage.Lease held = lease;
      if (held != null) {
        CompletableFuture<?> unused = admission.whenComplete((ok, cause) -> held.dequeued());
      }
    }
  }

  /** The request was refused before flow control; {@link #response()} is the answer. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient HttpResponse response;

    Refused(HttpResponse response) {
      super(null, null, false, false);
      this.response = response;
    }

    /** The answer to send. */
    public HttpResponse response() {
      return response;
    }
  }

  /**
   * Identifies a request.
   *
   * @param whenDone completes when the exchange is over, which gives back what the request holds of
   *     its tenant's limits
   * @throws Refused with the 400, 401 or 429 to send instead
   */
  public Identified identify(RequestHeaders headers, CompletableFuture<?> whenDone) throws Refused {
    String user = first(headers, identity.fairnessIdHeaders());
    if (user == null || user.isBlank()) {
      user = identity.defaultFairnessId();
    }
    user = user.trim();
    int requested = requestedPriority(headers);
    if (registry == null || config.tenants().mode() == TenantsConfig.Mode.TRUSTED_HEADERS) {
      return new Identified(user, requested, null, null);
    }
    Tenant tenant = authenticate(headers, registry);
    int priority = Math.min(requested, tenant.maxPriority());
    if (priority < requested) {
      Counter.builder("sluice.gateway.tenant.objective_clamped")
          .description("Requests whose objective was lowered to their tenant's maxObjective")
          .tag("tenant", tenant.id())
          .register(meters)
          .increment();
    }
    TenantUsage.Lease lease = null;
    if (tenant.limited()) {
      lease =
          usage
              .computeIfAbsent(tenant.id(), id -> new TenantUsage())
              .acquire(tenant, config.server().retryAfter());
      TenantUsage.Lease held = lease;
      CompletableFuture<?> unused = whenDone.whenComplete((ok, cause) -> held.close());
    }
    return new Identified(tenant.id() + "/" + user, priority, tenant, lease);
  }

  private Tenant authenticate(RequestHeaders headers, TenantRegistry tenants) throws Refused {
    String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
    String key = null;
    if (authorization != null
        && authorization.length() > 7
        && authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      key = authorization.substring(7).trim();
    }
    Tenant tenant = key == null || key.isEmpty() ? null : tenants.byKey(key);
    if (tenant == null) {
      tenant = config.tenants().anonymous();
    }
    if (tenant == null) {
      String message =
          key == null
              ? "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'."
              : "Incorrect API key provided.";
      throw new Refused(
          Errors.response(
              HttpStatus.UNAUTHORIZED,
              INVALID_API_KEY,
              message,
              "invalid_request_error",
              null,
              null));
    }
    return tenant;
  }

  private int requestedPriority(RequestHeaders headers) throws Refused {
    int priority = config.priorityOf(first(headers, identity.objectiveHeaders()));
    String header = identity.priorityHeader();
    String direct = header == null ? null : headers.get(header);
    if (direct != null) {
      try {
        priority = Integer.parseInt(direct.trim());
      } catch (NumberFormatException e) {
        throw new Refused(
            Errors.response(
                HttpStatus.BAD_REQUEST,
                Errors.INVALID,
                "Header " + header + " must be an integer, got '" + direct + "'.",
                "invalid_request_error",
                header,
                null));
      }
    }
    return priority;
  }

  private static @Nullable String first(RequestHeaders headers, List<String> names) {
    for (String name : names) {
      String value = headers.get(name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }
}
