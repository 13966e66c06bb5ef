package dev.sluice.demo;

import dev.sluice.pipeline.PipelineStatus;
import java.util.List;

/**
 * What one demo run measured.
 *
 * @param name the run's name
 * @param status the pipeline's status at the end of the run
 * @param samples resident and reserved bytes over time
 * @param generated completions the model servers finished for the producers
 * @param wasted completions whose result the pipeline refused (over its hard cap): generated for
 *     nothing
 * @param consumerSteps batches the consumer trained on and acked
 */
record RunReport(
    String name,
    PipelineStatus status,
    List<Sample> samples,
    long generated,
    long wasted,
    long consumerSteps) {

  /** Copies {@code samples}. */
  RunReport {
    samples = List.copyOf(samples);
  }
}
