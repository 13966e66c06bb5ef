package dev.sluice.cluster;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A {@link SharedService} kept per flow as this replica's own cumulative service and the others'
 * sum from the last sync. Flows are kept once seen (a first slice: no expiry of idle flows).
 */
final class ServiceLedger implements SharedService {
  private final String name;
  private final ConcurrentHashMap<String, Entry> flows = new ConcurrentHashMap<>();

  ServiceLedger(String name) {
    this.name = Checks.checkName("name", name);
  }

  /** One flow: what this replica served, and what the others had at the last sync. */
  static final class Entry {
    final String flow;
    final DoubleAdder own = new DoubleAdder();
    volatile double others;

    Entry(String flow) {
      this.flow = flow;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void charge(String flow, double weightedCost) {
    entry(flow).own.add(weightedCost);
  }

  @Override
  public double total(String flow) {
    Entry entry = entry(flow);
    return entry.own.sum() + entry.others;
  }

  /** The flows to publish at a sync. */
  List<Entry> entries() {
    return List.copyOf(flows.values());
  }

  private Entry entry(String flow) {
    return flows.computeIfAbsent(flow, Entry::new);
  }

  @Override
  public String toString() {
    return "SharedService(" + name + ", " + flows.size() + " flows)";
  }
}
