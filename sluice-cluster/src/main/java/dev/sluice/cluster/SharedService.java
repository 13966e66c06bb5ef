package dev.sluice.cluster;

/**
 * The weighted service each flow received across all replicas: what fairness inside a band needs to
 * hold globally. Each replica {@link #charge charges} what it serves; {@link #total} adds what the
 * others reported at the last sync, including replicas that have since died (a flow gets no refund
 * when one does). Totals are as fresh as the last sync, plus this replica's own service at once.
 * Thread-safe; both methods are quick and never touch the network.
 */
public interface SharedService {

  /** The name the service is shared under, for example one per band. */
  String name();

  /** This replica served {@code flow} {@code weightedCost} (cost divided by the flow's weight). */
  void charge(String flow, double weightedCost);

  /** The weighted service {@code flow} received from all replicas, as far as known. */
  double total(String flow);
}
