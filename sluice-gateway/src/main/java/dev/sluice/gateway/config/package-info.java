/**
 * The gateway's configuration: {@link dev.sluice.gateway.config.GatewayConfig}, read from {@code
 * sluice.yaml} and validated all at once, every error naming its path.
 */
package dev.sluice.gateway.config;
