package dev.sluice.gateway.config;

import dev.sluice.flow.FlowControllerConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The whole gateway configuration, as read from {@code sluice.yaml}: listeners, backends, how
 * requests are identified, objectives and their priorities, the flow controller and the saturation
 * detector.
 *
 * <p>Immutable and thread-safe. Read it with {@link #parse(String)} or {@link #load(Path)}, which
 * validate everything at once and throw a {@link ConfigException} naming the path of every bad
 * value, for example {@code flowControl.bands[1].maxRequests: -3 (expected: >= 0, 0 = unlimited)}.
 * The README of this module lists every key and its default.
 *
 * @param server the inference listener
 * @param admin the admin listener (metrics, flows, health)
 * @param backends the model servers, in configuration order
 * @param upstream how the gateway talks to backends
 * @param identity which headers carry flow identity, objective, priority, TTL and SLO
 * @param objectives objective name to priority; unknown objectives get priority 0
 * @param flowControl the controller's configuration, validated; its detector, clock and listener
 *     are replaced when the gateway starts
 * @param noEndpointTtl how long a request waits while no backend has fresh metrics, before 503
 * @param saturation the dispatch gate and the metrics scraping that feeds it
 * @param metrics metric-label settings
 * @param tracing OpenTelemetry spans per request
 * @param tenants who the callers are: API keys and tenants, or trusted headers
 * @param cluster limits shared with other replicas through Redis, or none ({@code local})
 */
public record GatewayConfig(
    Server server,
    Admin admin,
    List<Backend> backends,
    Upstream upstream,
    Identity identity,
    Map<String, Integer> objectives,
    FlowControllerConfig flowControl,
    Duration noEndpointTtl,
    SaturationConfig saturation,
    Metrics metrics,
    Tracing tracing,
    TenantsConfig tenants,
    ClusterConfig cluster) {

  /** Copies the collections and checks for nulls. */
  public GatewayConfig {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(admin, "admin");
    backends = List.copyOf(backends);
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(identity, "identity");
    objectives = Map.copyOf(objectives);
    Objects.requireNonNull(flowControl, "flowControl");
    Objects.requireNonNull(noEndpointTtl, "noEndpointTtl");
    Objects.requireNonNull(saturation, "saturation");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(tracing, "tracing");
    Objects.requireNonNull(tenants, "tenants");
    Objects.requireNonNull(cluster, "cluster");
  }

  /**
   * Parses and validates YAML text.
   *
   * @throws ConfigException listing every problem, each with its path
   */
  public static GatewayConfig parse(String yaml) {
    return new ConfigReader().read(yaml);
  }

  /**
   * Reads and validates a YAML file.
   *
   * @throws ConfigException listing every problem, or saying why the file could not be read
   */
  public static GatewayConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read (" + e + ")"));
    }
    return parse(text);
  }

  /** This configuration with other backends (used by the demo and tests). */
  public GatewayConfig withBackends(List<Backend> newBackends) {
    return new GatewayConfig(
        server,
        admin,
        newBackends,
        upstream,
        identity,
        objectives,
        flowControl,
        noEndpointTtl,
        saturation,
        metrics,
        tracing,
        tenants,
        cluster);
  }

  /** The priority of {@code objective}: its configured value, else 0. */
  public int priorityOf(@Nullable String objective) {
    if (objective == null) {
      return 0;
    }
    return objectives.getOrDefault(objective, 0);
  }

  /**
   * OpenTelemetry spans per request ({@code tracing.enabled}, default false): through {@code
   * GlobalOpenTelemetry} (an agent or the application registers the SDK), unless the gateway's
   * builder is given an instance.
   *
   * @param enabled whether the gateway makes spans
   */
  public record Tracing(boolean enabled) {}

  /**
   * The inference listener.
   *
   * @param host address to bind; default {@code 127.0.0.1} (set {@code 0.0.0.0} to serve others)
   * @param port port; 0 picks a free one. Default 8080
   * @param maxRequestBytes largest request body; larger ones get 413. Default 16 MiB
   * @param gracefulShutdown how long in-flight responses may run on after shutdown begins. Default
   *     30 s
   * @param retryAfter the {@code Retry-After} sent with 429s and the 503 for too many buffered
   *     bytes. Default 1 s
   * @param requestBodyTimeout the longest a request body may take to arrive, from its headers;
   *     later gets 408; 0 = no limit. Default 30 s
   * @param maxBufferedRequestBytes the request-body bytes the gateway holds at once, across all
   *     requests (received, queued, or being sent upstream); a body that would pass it gets 503. At
   *     least {@code maxRequestBytes}. Default a quarter of the JVM's maximum heap, but at least
   *     {@code maxRequestBytes}
   */
  public record Server(
      String host,
      int port,
      long maxRequestBytes,
      Duration gracefulShutdown,
      Duration retryAfter,
      Duration requestBodyTimeout,
      long maxBufferedRequestBytes) {}

  /**
   * The admin listener: {@code /metrics}, {@code /admin/flows}, {@code /health}.
   *
   * @param host address to bind; default {@code 127.0.0.1}
   * @param port port; 0 picks a free one; -1 disables it. Default 9090
   */
  public record Admin(String host, int port) {}

  /**
   * One model server.
   *
   * @param url base URL, for example {@code http://127.0.0.1:8001}
   * @param metricsPath where its Prometheus metrics are. Default {@code /metrics}
   * @param enginePriority whether to put each request's priority into the body's {@code priority}
   *     field, in vLLM's convention (lower runs first: the negated flow priority), so that an
   *     engine run with {@code --scheduling-policy priority} orders and preempts inside its batch;
   *     a client's own {@code priority} field is overwritten. Default false
   */
  public record Backend(URI url, String metricsPath, boolean enginePriority) {
    /** A backend that gets bodies unchanged. */
    public Backend(URI url, String metricsPath) {
      this(url, metricsPath, false);
    }

    /** A backend at {@code url} with metrics at {@code /metrics}. */
    public static Backend of(String url) {
      return new Backend(URI.create(url), "/metrics");
    }

    /** {@code host:port}, the name used in logs, metrics and response headers. */
    public String name() {
      return url.getHost() + ":" + url.getPort();
    }
  }

  /**
   * Connections to backends.
   *
   * @param connectTimeout connect timeout. Default 3 s
   * @param responseTimeout the longest a backend response may take, start to end; 0 = none (the
   *     default, so that long generations stream)
   */
  public record Upstream(Duration connectTimeout, Duration responseTimeout) {}

  /**
   * Request headers the gateway reads. Names are matched case-insensitively; the first header of
   * each list that is present wins.
   *
   * @param fairnessIdHeaders the flow (tenant) id. Default {@code x-gateway-inference-fairness-id},
   *     {@code x-llm-d-inference-fairness-id}
   * @param defaultFairnessId the id when none is sent. Default {@code default-flow}
   * @param objectiveHeaders the objective name. Default {@code x-gateway-inference-objective},
   *     {@code x-llm-d-inference-objective}
   * @param priorityHeader a header giving the priority directly, or {@code null} (the default) to
   *     ignore such headers; only enable it behind a trusted client
   * @param ttlHeaders the longest wait in the queue, in milliseconds. Default {@code
   *     x-sluice-ttl-ms}, {@code x-llm-d-inference-ttl-ms}
   * @param sloTtftHeaders the time-to-first-token objective in milliseconds, for {@code
   *     slo-deadline} ordering. Default {@code x-slo-ttft-ms}, {@code x-llm-d-slo-ttft-ms}
   * @param stripped headers removed before forwarding. Default: the fairness, objective, priority
   *     and TTL headers
   */
  public record Identity(
      List<String> fairnessIdHeaders,
      String defaultFairnessId,
      List<String> objectiveHeaders,
      @Nullable String priorityHeader,
      List<String> ttlHeaders,
      List<String> sloTtftHeaders,
      List<String> stripped) {
    /** Copies the lists. */
    public Identity {
      fairnessIdHeaders = List.copyOf(fairnessIdHeaders);
      objectiveHeaders = List.copyOf(objectiveHeaders);
      ttlHeaders = List.copyOf(ttlHeaders);
      sloTtftHeaders = List.copyOf(sloTtftHeaders);
      stripped = List.copyOf(stripped);
    }

    /** These headers with {@code header} also removed before forwarding. */
    public Identity withStripped(String header) {
      List<String> more = new java.util.ArrayList<>(stripped);
      if (!more.contains(header)) {
        more.add(header);
      }
      return new Identity(
          fairnessIdHeaders,
          defaultFairnessId,
          objectiveHeaders,
          priorityHeader,
          ttlHeaders,
          sloTtftHeaders,
          more);
    }
  }

  /**
   * Metric settings.
   *
   * @param fairnessIdLabelLimit distinct {@code fairness_id} label values before the rest are
   *     reported as {@code other}. Default 1000
   * @param fairnessIdLabelMaxLength the longest {@code fairness_id} label value; longer ids are cut
   *     to a prefix plus {@code ~} and 12 hex digits of their hash. At least 16. Default 64
   */
  public record Metrics(int fairnessIdLabelLimit, int fairnessIdLabelMaxLength) {}
}
