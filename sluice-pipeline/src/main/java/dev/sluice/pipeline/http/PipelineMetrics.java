package dev.sluice.pipeline.http;

import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.PipelineStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * The pipeline's Prometheus metrics, read from {@link Pipeline#status()} at scrape time: nothing is
 * counted twice, and the numbers are the ones {@code GET /v1/status} shows. Names use the same
 * words as the Java API ({@code sluice_pipeline_…}).
 */
final class PipelineMetrics {

  private PipelineMetrics() {}

  static void bind(MeterRegistry registry, Pipeline pipeline) {
    gauge(
        registry,
        pipeline,
        "sluice.pipeline.paused",
        "1 while producers are paused by backpressure",
        s -> s.paused() ? 1 : 0);
    gauge(
        registry,
        pipeline,
        "sluice.pipeline.items.pending",
        "items waiting for a producer",
        PipelineStatus::pending);
    gauge(
        registry,
        pipeline,
        "sluice.pipeline.items.leased",
        "items leased to producers",
        PipelineStatus::leased);
    gauge(
        registry,
        pipeline,
        "sluice.pipeline.results.visible",
        "results waiting for a consumer",
        PipelineStatus::resultsVisible);
    gauge(
        registry,
        pipeline,
        "sluice.pipeline.results.leased",
        "results leased to consumers",
        PipelineStatus::resultsLeased);
    gauge(
        registry,
        pipeline,
        "sluice.pipeline.backlog",
        "results committed and not acked",
        PipelineStatus::backlog);
    gauge(
        registry,
        pipeline,
        "sluice.pipeline.resident.bytes",
        "bytes of results held",
        PipelineStatus::residentBytes);
    gauge(
        registry,
        pipeline,
        "sluice.pipeline.reserved.bytes",
        "bytes reserved for leased items",
        PipelineStatus::reservedBytes);
    gauge(
        registry,
        pipeline,
        "sluice.pipeline.oldest.result.age.seconds",
        "age of the oldest unacked result",
        s -> s.oldestResultAge().toNanos() / 1e9);
    counter(
        registry, pipeline, "sluice.pipeline.items.added", "items added", PipelineStatus::added);
    counter(
        registry,
        pipeline,
        "sluice.pipeline.results.committed",
        "results committed",
        PipelineStatus::committed);
    counter(
        registry,
        pipeline,
        "sluice.pipeline.results.acked",
        "results acked",
        PipelineStatus::acked);
    counter(
        registry,
        pipeline,
        "sluice.pipeline.items.failed",
        "items failed for good",
        PipelineStatus::failed);
    counter(
        registry,
        pipeline,
        "sluice.pipeline.items.retries",
        "items sent back to pending",
        PipelineStatus::retries);
    counter(
        registry,
        pipeline,
        "sluice.pipeline.leases.expired",
        "producer leases expired",
        PipelineStatus::expiredLeases);
    counter(
        registry,
        pipeline,
        "sluice.pipeline.commits.rejected",
        "commits refused by the hard cap",
        PipelineStatus::rejectedOverCapacity);
    counter(
        registry,
        pipeline,
        "sluice.pipeline.pauses",
        "transitions to paused",
        s -> s.backpressure().pauses());
    counter(
        registry,
        pipeline,
        "sluice.pipeline.producer.starvations",
        "producer starvation intervals (asked while paused)",
        s -> s.backpressure().producerStarvations());
    counter(
        registry,
        pipeline,
        "sluice.pipeline.consumer.starvations",
        "consumer starvation intervals (empty result leases)",
        s -> s.backpressure().consumerStarvations());
  }

  private static void gauge(
      MeterRegistry registry,
      Pipeline pipeline,
      String name,
      String help,
      ToDoubleFunction<PipelineStatus> value) {
    Gauge.builder(name, pipeline, p -> value.applyAsDouble(p.status()))
        .description(help)
        .register(registry);
  }

  private static void counter(
      MeterRegistry registry,
      Pipeline pipeline,
      String name,
      String help,
      ToDoubleFunction<PipelineStatus> value) {
    FunctionCounter.builder(name, pipeline, p -> value.applyAsDouble(p.status()))
        .description(help)
        .register(registry);
  }
}
