package dev.sluice.flow.queue;

/**
 * What a {@link FlowQueue} can do, matched against what an ordering policy needs ({@link
 * dev.sluice.flow.policy.OrderingPolicy#requiredCapabilities()}).
 */
public enum QueueCapability {
  /** Keeps items in insertion order. */
  FIFO,
  /** Keeps items in the order of a comparator given at creation. */
  PRIORITY_CONFIGURABLE
}
