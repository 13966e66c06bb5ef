package dev.sluice.pipeline;

/**
 * One result leased to a consumer. It is invisible to other consumers until it is acked, failed, or
 * its visibility timeout passes. Immutable.
 *
 * @param leaseId the lease's id, for ack and fail
 * @param itemId the id of the item the result belongs to
 * @param ref the result's reference
 * @param bytes the result's size
 * @param delivery how many times the result was leased, this one included, from 1
 */
public record ResultLease(String leaseId, String itemId, String ref, long bytes, int delivery) {}
