/**
 * Durable {@link dev.sluice.pipeline.PipelineStore}s: {@link dev.sluice.pipeline.store.SqliteStore}
 * keeps a pipeline's item metadata in an SQLite file so that it survives a restart.
 */
package dev.sluice.pipeline.store;
