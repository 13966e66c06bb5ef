/**
 * The pipeline's YAML configuration file ({@link dev.sluice.pipeline.config.PipelineFileConfig}):
 * watermarks, caps, timeouts and ports, read by a validating reader that names the path of every
 * bad value.
 */
package dev.sluice.pipeline.config;
