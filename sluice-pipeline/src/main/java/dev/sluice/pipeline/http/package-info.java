/**
 * The pipeline's HTTP JSON API for producers and consumers in any language ({@link
 * dev.sluice.pipeline.http.PipelineServer}), with Prometheus metrics on an admin port.
 */
package dev.sluice.pipeline.http;
