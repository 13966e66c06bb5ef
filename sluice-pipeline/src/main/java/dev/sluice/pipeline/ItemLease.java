package dev.sluice.pipeline;

/**
 * One work item leased to a producer. The producer heartbeats the lease to keep it, then commits a
 * result or fails it; a lease not heartbeaten for the lease timeout expires and its item returns to
 * pending. Immutable.
 *
 * @param leaseId the lease's id, for heartbeat, commit and fail
 * @param itemId the item's id
 * @param payload the item's payload
 * @param attempt which attempt this is, from 1
 */
public record ItemLease(String leaseId, String itemId, String payload, int attempt) {}
