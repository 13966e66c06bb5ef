package dev.sluice.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.sluice.config.YamlSection;
import dev.sluice.gateway.config.GatewayConfig.Admin;
import dev.sluice.gateway.config.GatewayConfig.Backend;
import dev.sluice.gateway.config.GatewayConfig.Identity;
import dev.sluice.gateway.config.GatewayConfig.Server;
import dev.sluice.gateway.config.GatewayConfig.Upstream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the gateway's own sections: {@code server}, {@code admin}, {@code backends}, {@code
 * upstream} and {@code identity}. Every problem goes, with its path, to the section's errors.
 * Stateless.
 */
final class ServerReader {

  private static final long MIB = 1024 * 1024;

  private ServerReader() {}

  /** The {@code server} section: the proxy port, request bodies, shutdown. */
  static Server server(YamlSection s) {
    s.keys(
        "host",
        "port",
        "maxRequestBytes",
        "gracefulShutdown",
        "retryAfter",
        "requestBodyTimeout",
        "maxBufferedRequestBytes");
    long maxRequestBytes = s.longValue("maxRequestBytes", 16 * MIB, 1, Integer.MAX_VALUE);
    Long maxBuffered = s.optionalLong("maxBufferedRequestBytes", 1, Long.MAX_VALUE);
    if (maxBuffered == null) {
      maxBuffered = Math.max(maxRequestBytes, defaultMaxBufferedRequestBytes());
    } else if (maxBuffered < maxRequestBytes) {
      s.error(
          s.path("maxBufferedRequestBytes")
              + ": "
              + maxBuffered
              + " (expected >= "
              + s.path("maxRequestBytes")
              + ", "
              + maxRequestBytes
              + ")");
    }
    return new Server(
        s.string("host", "127.0.0.1"),
        s.integer("port", 8080, 0, 65535),
        maxRequestBytes,
        s.duration("gracefulShutdown", Duration.ofSeconds(30), true),
        s.duration("retryAfter", Duration.ofSeconds(1), true),
        s.duration("requestBodyTimeout", Duration.ofSeconds(30), true),
        maxBuffered);
  }

  /**
   * A quarter of the maximum heap: a body is copied at least once while it is aggregated and
   * parsed, and the rest of the heap serves queues, streams and the metrics.
   */
  static long defaultMaxBufferedRequestBytes() {
    return Runtime.getRuntime().maxMemory() / 4;
  }

  /** The {@code admin} section: the admin port. */
  static Admin admin(YamlSection s) {
    s.keys("host", "port");
    return new Admin(s.string("host", "127.0.0.1"), s.integer("port", 9090, -1, 65535));
  }

  /** The {@code backends} list of the document {@code top}: URLs or {url, metricsPath, ...}. */
  static List<Backend> backends(YamlSection top) {
    JsonNode node = top.node().path("backends");
    List<Backend> backends = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return backends;
    }
    if (!node.isArray()) {
      top.error("backends", node, "a list of backends");
      return backends;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "backends[" + i + "]";
      JsonNode item = node.get(i);
      YamlSection s =
          item.isTextual()
              ? top.at(path, JsonNodeFactory.instance.objectNode().put("url", item.asText()))
              : top.at(path, item);
      if (!item.isTextual() && !item.isObject()) {
        top.error(path, item, "a URL or {url, metricsPath, enginePriority}");
        continue;
      }
      s.keys("url", "metricsPath", "enginePriority");
      String url = s.optionalString("url");
      String metricsPath = s.string("metricsPath", "/metrics");
      if (!metricsPath.startsWith("/")) {
        top.error(path + ".metricsPath: '" + metricsPath + "' (expected a path starting with /)");
      }
      if (url == null) {
        top.error(path + ".url: missing (expected an http URL such as http://127.0.0.1:8001)");
        continue;
      }
      URI uri = httpUri(url);
      if (uri == null) {
        top.error(
            s.path("url")
                + ": '"
                + url
                + "' (expected http://host:port with no path, e.g. http://127.0.0.1:8001)");
        continue;
      }
      Backend backend = new Backend(uri, metricsPath, s.bool("enginePriority", false));
      if (!seen.add(backend.name())) {
        top.error(
            s.path("url")
                + ": '"
                + url
                + "' (expected unique; "
                + backend.name()
                + " is listed twice)");
        continue;
      }
      backends.add(backend);
    }
    return backends;
  }

  private static @Nullable URI httpUri(String url) {
    try {
      URI uri = new URI(url);
      String path = uri.getRawPath();
      if (!"http".equals(uri.getScheme())
          || uri.getHost() == null
          || uri.getPort() < 1
          || (path != null && !path.isEmpty() && !path.equals("/"))
          || uri.getRawQuery() != null) {
        return null;
      }
      return new URI("http", null, uri.getHost(), uri.getPort(), null, null, null);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  /** The {@code upstream} section: timeouts towards the backends. */
  static Upstream upstream(YamlSection s) {
    s.keys("connectTimeout", "responseTimeout");
    return new Upstream(
        s.duration("connectTimeout", Duration.ofSeconds(3), false),
        s.duration("responseTimeout", Duration.ZERO, true));
  }

  /** The {@code identity} section: the headers that name a request's flow and objective. */
  static Identity identity(YamlSection s) {
    s.keys(
        "fairnessIdHeaders",
        "defaultFairnessId",
        "objectiveHeaders",
        "priorityHeader",
        "ttlHeaders",
        "sloTtftHeaders",
        "stripHeaders");
    List<String> fairness =
        headers(
            s,
            "fairnessIdHeaders",
            List.of("x-gateway-inference-fairness-id", "x-llm-d-inference-fairness-id"));
    String defaultId = s.string("defaultFairnessId", "default-flow");
    if (defaultId.isBlank()) {
      s.error(s.path("defaultFairnessId") + ": '' (expected a non-blank id)");
    }
    List<String> objective =
        headers(
            s,
            "objectiveHeaders",
            List.of("x-gateway-inference-objective", "x-llm-d-inference-objective"));
    String priority = s.optionalString("priorityHeader");
    if (priority != null) {
      priority = priority.toLowerCase(Locale.ROOT);
    }
    List<String> ttl =
        headers(s, "ttlHeaders", List.of("x-sluice-ttl-ms", "x-llm-d-inference-ttl-ms"));
    List<String> slo =
        headers(s, "sloTtftHeaders", List.of("x-slo-ttft-ms", "x-llm-d-slo-ttft-ms"));
    List<String> strippedDefault = new ArrayList<>(fairness);
    strippedDefault.addAll(objective);
    strippedDefault.addAll(ttl);
    if (priority != null) {
      strippedDefault.add(priority);
    }
    List<String> stripped = headers(s, "stripHeaders", strippedDefault);
    return new Identity(fairness, defaultId, objective, priority, ttl, slo, stripped);
  }

  /** The header name or list of them at {@code key}, lower-cased, or the default. */
  private static List<String> headers(YamlSection s, String key, List<String> defaultValue) {
    JsonNode value = s.node().path(key);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    List<JsonNode> items = new ArrayList<>();
    if (value.isTextual()) {
      items.add(value);
    } else if (value.isArray()) {
      value.forEach(items::add);
    } else {
      s.error(s.path(key), value, "a header name or a list of them");
      return defaultValue;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (!item.isTextual() || !item.asText().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
        s.error(s.path(key) + "[" + i + "]", item, "an HTTP header name");
        continue;
      }
      names.add(item.asText().toLowerCase(Locale.ROOT));
    }
    return names;
  }
}
