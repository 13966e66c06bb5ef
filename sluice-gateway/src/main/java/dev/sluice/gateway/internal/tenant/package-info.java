/**
 * Who is calling: API keys ({@code Authorization: Bearer}) mapped to tenants with a weight, an
 * objective ceiling and limits. {@link dev.sluice.gateway.internal.tenant.TenantRegistry} holds the
 * keys (as SHA-256 hashes, reloaded when the keys file changes) and {@link
 * dev.sluice.gateway.internal.tenant.TenantResolver} turns a request's headers into its flow.
 *
 * <p>Internal: not part of the gateway's API (that is {@code dev.sluice.gateway} and {@code
 * dev.sluice.gateway.config}); may change in any release.
 */
package dev.sluice.gateway.internal.tenant;
