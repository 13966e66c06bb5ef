/**
 * The per-flow queues ({@link dev.sluice.flow.queue.FlowQueue}): a linked list for FCFS and a
 * max-min heap for ordered policies, removal by handle, chosen per band by a {@link
 * dev.sluice.flow.queue.QueueFactory}. Confined to the owning shard's lock.
 */
package dev.sluice.flow.queue;
