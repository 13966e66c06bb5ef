/**
 * Who is calling: API keys ({@code Authorization: Bearer}) mapped to tenants with a weight, an
 * objective ceiling and limits. {@link dev.sluice.gateway.tenant.TenantRegistry} holds the keys (as
 * SHA-256 hashes, reloaded when the keys file changes) and {@link
 * dev.sluice.gateway.tenant.TenantResolver} turns a request's headers into its flow.
 */
package dev.sluice.gateway.tenant;
