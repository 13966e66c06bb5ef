package dev.sluice.lab;

/**
 * One request of a scenario, the same for every system it runs through.
 *
 * @param index position in arrival order, 0-based
 * @param atNanos arrival time
 * @param tenant index of the tenant in {@link Scenario#tenants()}
 * @param cost the request's cost
 * @param serviceNanos how long the backend holds its slot once dispatched
 * @param ttlNanos how long it may wait in a queue, 0 for unbounded
 */
public record Arrival(
    int index, long atNanos, int tenant, int cost, long serviceNanos, long ttlNanos) {}
