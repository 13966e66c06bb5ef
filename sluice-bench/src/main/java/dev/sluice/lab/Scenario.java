package dev.sluice.lab;

import dev.sluice.flow.policy.UsageLimitPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A workload and the backend it runs against, with what a fair outcome would be.
 *
 * <p>The backend has {@code slots} slots; a dispatched request holds one for its service time.
 * Every system sees the same arrivals ({@link #arrivals()}), generated from {@code seed}.
 *
 * @param name a short slug, used in file names
 * @param title a one-line description
 * @param seed the seed of the arrivals
 * @param slots the backend's concurrent slots
 * @param costUnitNanos mean service time of one unit of cost
 * @param durationNanos arrivals stop here
 * @param warmupNanos shares are measured over {@code [warmup, duration]}
 * @param queueLimit queued requests the whole system may hold, for every system; 0 = unlimited
 * @param perFlowLimit queued requests per flow (Sluice only: the baselines have no flows); 0 =
 *     unlimited
 * @param displacement whether Sluice may displace lower-priority work when the queue is full
 * @param weightedFairness Sluice uses {@code weighted-fair} by tenant weight (else {@code
 *     round-robin})
 * @param variants the Sluice configurations to run
 * @param tenants who sends what
 * @param targets the fair share of throughput (cost) of each backlogged tenant; empty if none
 */
public record Scenario(
    String name,
    String title,
    long seed,
    int slots,
    long costUnitNanos,
    long durationNanos,
    long warmupNanos,
    long queueLimit,
    long perFlowLimit,
    boolean displacement,
    boolean weightedFairness,
    List<SluiceVariant> variants,
    List<TenantSpec> tenants,
    Map<String, Double> targets) {

  /** A named usage-limit choice for the Sluice runs of a scenario. */
  public record SluiceVariant(String name, UsageLimitPolicy usageLimit) {}

  /** The default Sluice variant: every band stops at saturation 1.0. */
  public static final SluiceVariant STATIC =
      new SluiceVariant("sluice", UsageLimitPolicy.staticCeiling());

  public Scenario {
    variants = List.copyOf(variants);
    tenants = List.copyOf(tenants);
    targets = Map.copyOf(targets);
  }

  /** The same scenario lasting {@code duration} with warm-up {@code warmup}. */
  public Scenario withDuration(long duration, long warmup) {
    return new Scenario(
        name,
        title,
        seed,
        slots,
        costUnitNanos,
        duration,
        warmup,
        queueLimit,
        perFlowLimit,
        displacement,
        weightedFairness,
        variants,
        tenants,
        targets);
  }

  /** The index of tenant {@code id}, or -1. */
  public int tenantIndex(String id) {
    for (int i = 0; i < tenants.size(); i++) {
      if (tenants.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** The arrivals, in time order (ties by tenant, then by order within the tenant). */
  public List<Arrival> arrivals() {
    List<long[]> raw = new ArrayList<>(); // at, tenant, cost, service, ttl
    for (int t = 0; t < tenants.size(); t++) {
      TenantSpec tenant = tenants.get(t);
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + t);
      if (tenant.burstSize() > 0) {
        for (long at = tenant.burstOffsetNanos();
            at < durationNanos;
            at += tenant.burstPeriodNanos()) {
          for (int i = 0; i < tenant.burstSize(); i++) {
            raw.add(request(tenant, t, at, random));
          }
        }
      } else if (tenant.ratePerSecond() > 0) {
        double meanGapNanos = 1e9 / tenant.ratePerSecond();
        for (long at = (long) exponential(random, meanGapNanos);
            at < durationNanos;
            at += (long) exponential(random, meanGapNanos)) {
          raw.add(request(tenant, t, at, random));
        }
      }
    }
    raw.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
    List<Arrival> arrivals = new ArrayList<>(raw.size());
    for (long[] r : raw) {
      arrivals.add(new Arrival(arrivals.size(), r[0], (int) r[1], (int) r[2], r[3], r[4]));
    }
    return arrivals;
  }

  private long[] request(TenantSpec tenant, int index, long at, SplittableRandom random) {
    int cost =
        tenant.minCost() == tenant.maxCost()
            ? tenant.minCost()
            : random.nextInt(tenant.minCost(), tenant.maxCost() + 1);
    long service = Math.max(1, (long) exponential(random, (double) cost * costUnitNanos));
    return new long[] {at, index, cost, service, tenant.ttlNanos()};
  }

  private static double exponential(SplittableRandom random, double mean) {
    return -mean * Math.log(1.0 - random.nextDouble());
  }
}
