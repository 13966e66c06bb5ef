package dev.sluice.pipeline.config;

import dev.sluice.pipeline.PipelineConfig;
import dev.sluice.pipeline.http.HttpSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code sluice pipeline --config FILE} runs: the pipeline's configuration and where its HTTP
 * API listens. Immutable. See {@code sluice-pipeline/examples/pipeline.yaml} and the module README
 * for the keys.
 *
 * @param pipeline the pipeline's configuration, on the system clock and scheduler
 * @param http the listeners
 * @param store where the pipeline keeps its state
 */
public record PipelineFileConfig(PipelineConfig pipeline, HttpSettings http, StoreSettings store) {

  /**
   * Reads and validates a YAML file.
   *
   * @param file the file
   * @return the configuration
   * @throws ConfigException naming every bad value with its path, or the file if it is unreadable
   */
  public static PipelineFileConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read (" + e.getMessage() + ")"));
    }
    return parse(text);
  }

  /**
   * Validates YAML text; an empty document is every default.
   *
   * @param yaml the document
   * @return the configuration
   * @throws ConfigException naming every bad value with its path
   */
  public static PipelineFileConfig parse(String yaml) {
    return new ConfigReader().read(yaml);
  }
}
