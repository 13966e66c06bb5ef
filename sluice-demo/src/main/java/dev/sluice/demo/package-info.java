/**
 * Demos that run several Sluice products together in one JVM: {@link dev.sluice.demo.PipelineDemo}
 * ({@code sluice demo pipeline}) has the pipeline's producers generate completions through the
 * gateway on simulated model servers.
 */
package dev.sluice.demo;
