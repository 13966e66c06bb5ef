/**
 * The gateway's configuration: {@link dev.sluice.gateway.config.GatewayConfig}, read from {@code
 * sluice.yaml} and validated all at once, every error naming its path. Its sections of their own
 * are {@link dev.sluice.gateway.config.SaturationConfig}, {@link
 * dev.sluice.gateway.config.TenantsConfig} (with its {@link dev.sluice.gateway.config.Tenant}s) and
 * {@link dev.sluice.gateway.config.ClusterConfig}; the rest are records nested in {@code
 * GatewayConfig}.
 */
package dev.sluice.gateway.config;
