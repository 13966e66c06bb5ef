package dev.sluice.cluster;

import java.util.concurrent.ConcurrentHashMap;

/** {@link ClusterCoordinator#local()}: each limit is this replica's alone, allowed in full. */
final class LocalCoordinator implements ClusterCoordinator {
  private final ConcurrentHashMap<String, CreditLimit> limits = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ServiceLedger> services = new ConcurrentHashMap<>();

  @Override
  public Mode mode() {
    return Mode.LOCAL;
  }

  @Override
  public GlobalLimit limit(String name, long limit, FailurePolicy failurePolicy) {
    return Registry.register(
        limits,
        name,
        limit,
        failurePolicy,
        () -> new CreditLimit(name, limit, failurePolicy, limit, () -> {}, () -> {}));
  }

  @Override
  public SharedService service(String name) {
    return services.computeIfAbsent(Checks.checkName("name", name), ServiceLedger::new);
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "ClusterCoordinator.local()";
  }
}
