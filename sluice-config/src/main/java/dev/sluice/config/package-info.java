/**
 * The configuration grammar shared by every Sluice product and tool: {@link
 * dev.sluice.config.Durations} reads a duration ({@code 500ms}, {@code 30s}, {@code PT2S}) and
 * {@link dev.sluice.config.ByteSizes} a byte size ({@code 64KiB}, {@code 2GiB}), the same way in
 * the gateway's, the pipeline's and the simulator's YAML and on their command lines.
 */
package dev.sluice.config;
