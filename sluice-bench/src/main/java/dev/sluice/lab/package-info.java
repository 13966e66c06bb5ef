/**
 * The fairness scenario lab: tenants with arrival processes run in virtual time through Sluice and
 * through baseline queues, reporting shares, Jain's index and latency per tenant.
 */
package dev.sluice.lab;
