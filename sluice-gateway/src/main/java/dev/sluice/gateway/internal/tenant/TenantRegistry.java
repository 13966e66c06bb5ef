package dev.sluice.gateway.internal.tenant;

import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.config.Tenant;
import dev.sluice.gateway.config.TenantsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured tenants and their API keys: those of {@code tenants.list} in {@code sluice.yaml}
 * plus those of the keys file, which is reloaded when its content changes.
 *
 * <p><b>Reloading.</b> {@link #start()} checks the keys file every {@code tenants.reloadInterval}
 * on the injected scheduler and reloads it when its bytes changed. A file that cannot be read or
 * parsed keeps the previous keys: the problem is logged and counted in {@code
 * sluice_gateway_tenant_key_reloads_total{result="failed"}}. At construction the file must be
 * valid, or the constructor throws {@link ConfigException}.
 *
 * <p><b>Lookup.</b> {@link #byKey(String)} hashes the presented key and compares it with every
 * configured hash with {@link MessageDigest#isEqual}, without stopping at a match, so the time
 * taken does not depend on which key, or how much of it, matched.
 *
 * <p>Thread-safe: lookups read an immutable snapshot that a reload replaces.
 */
public final class TenantRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TenantRegistry.class);

  private final TenantsConfig config;
  private final Map<String, Integer> objectives;
  private final Scheduler scheduler;
  private final Counter reloaded;
  private final Counter reloadFailed;
  private volatile Snapshot snapshot;
  private byte @Nullable [] fileDigest;
  private Scheduler.@Nullable Cancellable timer;
  private boolean closed;

  /** One version of the keys: every hash with its tenant, and the tenants by id. */
  private record Snapshot(List<byte[]> hashes, List<Tenant> owners, Map<String, Tenant> byId) {}

  /**
   * Loads the tenants of {@code config} and, if it names one, its keys file.
   *
   * @throws ConfigException if the keys file cannot be read or is invalid
   */
  public TenantRegistry(GatewayConfig config, Scheduler scheduler, MeterRegistry registry) {
    this.config = config.tenants();
    this.objectives = config.objectives();
    this.scheduler = scheduler;
    this.reloaded = reloads(registry, "reloaded");
    this.reloadFailed = reloads(registry, "failed");
    List<String> errors = new ArrayList<>();
    Snapshot first = load(errors);
    if (first == null) {
      throw new ConfigException(errors);
    }
    this.snapshot = first;
  }

  private static Counter reloads(MeterRegistry registry, String result) {
    return Counter.builder("sluice.gateway.tenant.key_reloads")
        .description("Reloads of the tenant keys file, by result")
        .tag("result", result)
        .register(registry);
  }

  /** Starts watching the keys file, if there is one. */
  public synchronized void start() {
    if (config.keysFile() != null && !closed && timer == null) {
      schedule();
    }
  }

  private synchronized void schedule() {
    if (!closed) {
      timer = scheduler.schedule(this::poll, config.reloadInterval().toNanos());
    }
  }

  private void poll() {
    try {
      reloadIfChanged();
    } finally {
      schedule();
    }
  }

  /**
   * Reloads the keys file now if its content changed since it was last read; what the timer calls.
   *
   * @return whether new keys are in use
   */
  public synchronized boolean reloadIfChanged() {
    List<String> errors = new ArrayList<>();
    byte[] before = fileDigest;
    Snapshot next = load(errors);
    if (next == null) {
      reloadFailed.increment();
      log.warn("Keeping the previous tenant keys: {}", String.join("; ", errors));
      return false;
    }
    if (before != null && fileDigest != null && Arrays.equals(before, fileDigest)) {
      return false;
    }
    snapshot = next;
    reloaded.increment();
    log.info("Tenant keys reloaded: {} tenant(s)", next.byId().size());
    return true;
  }

  /** Reads the configured tenants and the keys file; {@code null} with {@code errors} if bad. */
  private synchronized @Nullable Snapshot load(List<String> errors) {
    List<Tenant> tenants = new ArrayList<>(config.list());
    String file = config.keysFile();
    byte[] digest = null;
    if (file != null) {
      String text;
      try {
        text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        errors.add("tenants.keysFile: cannot read " + file + " (" + e + ")");
        return null;
      }
      digest = KeysFile.digest(text);
      if (fileDigest != null && Arrays.equals(digest, fileDigest)) {
        return snapshot; // unchanged: no need to parse again
      }
      tenants.addAll(KeysFile.parseDocument(text, file, objectives, errors));
    }
    Map<String, Tenant> byId = new HashMap<>();
    List<byte[]> hashes = new ArrayList<>();
    List<Tenant> owners = new ArrayList<>();
    for (Tenant tenant : tenants) {
      if (byId.putIfAbsent(tenant.id(), tenant) != null) {
        errors.add("tenants: '" + tenant.id() + "' is defined both in sluice.yaml and " + file);
      }
      for (String hex : tenant.keySha256()) {
        hashes.add(HexFormat.of().parseHex(hex));
        owners.add(tenant);
      }
    }
    Tenant anonymous = config.anonymous();
    if (anonymous != null && byId.containsKey(anonymous.id())) {
      errors.add("tenants.anonymous.id: '" + anonymous.id() + "' is also a keyed tenant");
    }
    if (!errors.isEmpty()) {
      return null;
    }
    fileDigest = digest;
    return new Snapshot(List.copyOf(hashes), List.copyOf(owners), Map.copyOf(byId));
  }

  /** The tenant whose key is {@code key}, or {@code null} if no tenant has it. */
  public @Nullable Tenant byKey(String key) {
    Snapshot current = snapshot;
    byte[] presented = KeysFile.digest(key);
    Tenant found = null;
    for (int i = 0; i < current.hashes().size(); i++) {
      if (MessageDigest.isEqual(presented, current.hashes().get(i))) {
        found = current.owners().get(i);
      }
    }
    return found;
  }

  /** The tenant called {@code id} (the anonymous tenant too), or {@code null}. */
  public @Nullable Tenant byId(String id) {
    Tenant anonymous = config.anonymous();
    if (anonymous != null && anonymous.id().equals(id)) {
      return anonymous;
    }
    return snapshot.byId().get(id);
  }

  /** The weight of tenant {@code id}; 1 for a tenant no longer configured. */
  public double weightOf(String id) {
    Tenant tenant = byId(id);
    return tenant == null ? 1.0 : tenant.weight();
  }

  /**
   * {@code flowControl} with every band shared between tenants first: {@code hierarchical-fair}
   * over flow ids {@code tenant/end-user}, each tenant weighted by its {@code weight} (read when
   * the tenant's first flow joins a band), each end user with an equal part of its tenant's share.
   * This replaces the bands' own {@code fairness}.
   */
  public FlowControllerConfig shareBandsByTenant(FlowControllerConfig flowControl) {
    FairnessPolicy fairness =
        FairnessPolicy.hierarchicalFair(key -> tenantOf(key.id()), this::weightOf);
    return flowControl.toBuilder()
        .bands(
            flowControl.bands().stream()
                .map(band -> band.toBuilder().fairness(fairness).build())
                .toList())
        .defaultBand(flowControl.defaultBand().toBuilder().fairness(fairness).build())
        .defaultSheddableBand(
            flowControl.defaultSheddableBand().toBuilder().fairness(fairness).build())
        .build();
  }

  /** The tenant part of a flow id {@code tenant/end-user}. */
  static String tenantOf(String flowId) {
    int slash = flowId.indexOf('/');
    return slash < 0 ? flowId : flowId.substring(0, slash);
  }

  /** Stops watching the keys file. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
