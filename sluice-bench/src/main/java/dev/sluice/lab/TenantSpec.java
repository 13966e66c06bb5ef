package dev.sluice.lab;

/**
 * One tenant of a scenario: its flow, its weight and how it sends.
 *
 * <p>Arrivals are Poisson at {@code ratePerSecond}, or, when {@code burstSize > 0}, bursts of
 * {@code burstSize} requests at the same instant every {@code burstPeriodNanos} (the first at
 * {@code burstOffsetNanos}). Each request's cost is uniform in {@code [minCost, maxCost]}; its
 * service time is exponential with mean {@code cost * Scenario.costUnitNanos}.
 *
 * @param id the flow id
 * @param priority the band
 * @param weight the weight for weighted fairness (1 elsewhere)
 * @param ratePerSecond Poisson arrival rate (ignored for bursts)
 * @param burstSize requests per burst, or 0 for Poisson arrivals
 * @param burstPeriodNanos time between bursts
 * @param burstOffsetNanos time of the first burst
 * @param minCost smallest request cost
 * @param maxCost largest request cost
 * @param ttlNanos the requests' TTL, or 0 for none
 */
public record TenantSpec(
    String id,
    int priority,
    double weight,
    double ratePerSecond,
    int burstSize,
    long burstPeriodNanos,
    long burstOffsetNanos,
    int minCost,
    int maxCost,
    long ttlNanos) {

  /** A Poisson tenant with cost 1, weight 1, no TTL. */
  public static TenantSpec poisson(String id, int priority, double ratePerSecond) {
    return new TenantSpec(id, priority, 1.0, ratePerSecond, 0, 0, 0, 1, 1, 0);
  }

  /** A tenant sending {@code size} requests at once every {@code periodNanos}. */
  public static TenantSpec bursts(
      String id, int priority, int size, long periodNanos, long offsetNanos) {
    return new TenantSpec(id, priority, 1.0, 0, size, periodNanos, offsetNanos, 1, 1, 0);
  }

  /** This tenant with weight {@code w}. */
  public TenantSpec weight(double w) {
    return new TenantSpec(
        id,
        priority,
        w,
        ratePerSecond,
        burstSize,
        burstPeriodNanos,
        burstOffsetNanos,
        minCost,
        maxCost,
        ttlNanos);
  }

  /** This tenant with costs uniform in {@code [min, max]}. */
  public TenantSpec costs(int min, int max) {
    return new TenantSpec(
        id,
        priority,
        weight,
        ratePerSecond,
        burstSize,
        burstPeriodNanos,
        burstOffsetNanos,
        min,
        max,
        ttlNanos);
  }

  /** This tenant with a TTL on every request. */
  public TenantSpec ttl(long nanos) {
    return new TenantSpec(
        id,
        priority,
        weight,
        ratePerSecond,
        burstSize,
        burstPeriodNanos,
        burstOffsetNanos,
        minCost,
        maxCost,
        nanos);
  }

  /** Mean cost of a request. */
  public double meanCost() {
    return (minCost + maxCost) / 2.0;
  }
}
