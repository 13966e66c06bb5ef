package dev.sluice.lab;

import dev.sluice.flow.policy.UsageLimitPolicy;
import java.util.List;
import java.util.Map;

/**
 * The lab's workloads. The backend has 10 slots and, at cost 1, a mean service time of 10 ms: about
 * 1 000 requests per second. Each runs 20 virtual seconds; shares are measured after 2.
 */
public final class Scenarios {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final int SLOTS = 10;

  /** Sluice with {@code priority-holdback} (lowest band stops at saturation 0.5). */
  public static final Scenario.SluiceVariant HOLDBACK =
      new Scenario.SluiceVariant("sluice-holdback", UsageLimitPolicy.priorityHoldback());

  private Scenarios() {}

  /** Every scenario, in report order. */
  public static List<Scenario> all(long seed) {
    return List.of(
        noisyNeighbour(seed),
        trickleAlone(seed),
        trickleUnderFlood(seed),
        weighted(seed),
        ttlBursts(seed),
        displacement(seed));
  }

  /** Three equal tenants and one sending 10× as much, one band, the backend saturated. */
  public static Scenario noisyNeighbour(long seed) {
    return new Scenario(
        "noisy-neighbour",
        "three equal tenants at 400/s and one at 4 000/s, one band, capacity ~1 000/s",
        seed,
        SLOTS,
        10 * MS,
        20 * SECOND,
        2 * SECOND,
        4_000,
        1_000,
        true,
        false,
        List.of(Scenario.STATIC),
        List.of(
            TenantSpec.poisson("a", 0, 400),
            TenantSpec.poisson("b", 0, 400),
            TenantSpec.poisson("c", 0, 400),
            TenantSpec.poisson("d-10x", 0, 4_000)),
        Map.of("a", 0.25, "b", 0.25, "c", 0.25, "d-10x", 0.25));
  }

  /** The high-priority trickle alone (the flood's band exists but sends nothing). */
  public static Scenario trickleAlone(long seed) {
    return trickle(
        "trickle-alone", "high-priority trickle at 100/s alone (reference for the flood)", seed, 0);
  }

  /** A high-priority trickle under a low-priority flood 10× its rate. */
  public static Scenario trickleUnderFlood(long seed) {
    return trickle(
        "trickle-under-flood",
        "high-priority trickle at 100/s under a low-priority flood at 1 000/s (10×)",
        seed,
        1_000);
  }

  private static Scenario trickle(String name, String title, long seed, double floodRate) {
    return new Scenario(
        name,
        title,
        seed,
        SLOTS,
        10 * MS,
        20 * SECOND,
        2 * SECOND,
        2_000,
        0,
        true,
        false,
        List.of(Scenario.STATIC, HOLDBACK),
        List.of(
            TenantSpec.poisson("interactive", 10, 100), TenantSpec.poisson("batch", 0, floodRate)),
        Map.of());
  }

  /** Tenants weighted 1:2:4 with mixed request costs, each offering more than its share. */
  public static Scenario weighted(long seed) {
    return new Scenario(
        "weighted",
        "weights 1:2:4, costs 1-4 / 1-16 / 4-32 (service 1 ms per unit), each offering 8 000 cost/s "
            + "against ~10 000 cost/s",
        seed,
        SLOTS,
        MS,
        20 * SECOND,
        2 * SECOND,
        6_000,
        2_000,
        true,
        true,
        List.of(Scenario.STATIC),
        List.of(
            TenantSpec.poisson("w1", 0, 3_200).weight(1).costs(1, 4),
            TenantSpec.poisson("w2", 0, 940).weight(2).costs(1, 16),
            TenantSpec.poisson("w4", 0, 444).weight(4).costs(4, 32)),
        Map.of("w1", 1 / 7.0, "w2", 2 / 7.0, "w4", 4 / 7.0));
  }

  /** A steady tenant and one sending bursts of 3 000 every 4 s, every request with a 500 ms TTL. */
  public static Scenario ttlBursts(long seed) {
    return new Scenario(
        "ttl-bursts",
        "steady tenant at 300/s, bursty tenant sending 3 000 at once every 4 s; TTL 500 ms on all",
        seed,
        SLOTS,
        10 * MS,
        20 * SECOND,
        2 * SECOND,
        0,
        0,
        true,
        false,
        List.of(Scenario.STATIC),
        List.of(
            TenantSpec.poisson("steady", 0, 300).ttl(500 * MS),
            TenantSpec.bursts("bursty", 0, 3_000, 4 * SECOND, SECOND).ttl(500 * MS)),
        Map.of());
  }

  /** A full queue of low-priority work that high-priority arrivals displace. */
  public static Scenario displacement(long seed) {
    return new Scenario(
        "displacement",
        "low-priority bulk at 2 000/s fills a 1 000-request queue; critical at 300/s arrives on top",
        seed,
        SLOTS,
        10 * MS,
        20 * SECOND,
        2 * SECOND,
        1_000,
        0,
        true,
        false,
        List.of(Scenario.STATIC),
        List.of(TenantSpec.poisson("critical", 5, 300), TenantSpec.poisson("bulk", 0, 2_000)),
        Map.of());
  }
}
