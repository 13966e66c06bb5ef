/**
 * The admin port's own endpoints: {@link dev.sluice.gateway.internal.admin.AdminService} answers
 * {@code /metrics}, {@code /admin/flows}, {@code /health} and {@code /health/ready} (the live
 * dashboard beside them is {@code dev.sluice.gateway.internal.dashboard}).
 *
 * <p>Internal: not part of the gateway's API (that is {@code dev.sluice.gateway} and {@code
 * dev.sluice.gateway.config}); may change in any release.
 */
package dev.sluice.gateway.internal.admin;
