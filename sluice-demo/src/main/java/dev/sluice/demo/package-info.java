/**
 * Demos that run several Sluice products together in one JVM: {@link dev.sluice.demo.GatewayDemo}
 * ({@code sluice demo}) runs closed-loop tenants through the gateway and through a plain
 * round-robin proxy on simulated model servers; {@link dev.sluice.demo.PipelineDemo} ({@code sluice
 * demo pipeline}) has the pipeline's producers generate completions through the gateway.
 */
package dev.sluice.demo;
