/**
 * The pipeline control plane: a {@link dev.sluice.pipeline.Pipeline} holds work items for producers
 * and result references for consumers, with byte backpressure built on {@link
 * dev.sluice.backpressure.BackpressureController} (watermarks over resident plus reserved bytes, a
 * hard cap, per-worker and per-call caps, a consumer quantum), lease expiry, and exactly-once acks.
 * {@link dev.sluice.pipeline.PipelineMain} runs it behind the HTTP JSON API of {@code
 * dev.sluice.pipeline.http}.
 */
package dev.sluice.pipeline;
