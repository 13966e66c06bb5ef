package dev.sluice.pipeline.config;

import java.util.List;

/** A configuration file that cannot be used: every problem, each with its path in the file. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  /**
   * Creates an exception.
   *
   * @param errors each problem, for example {@code backpressure.lowWatermarkBytes: 20 (expected: <=
   *     highWatermarkBytes 10)}
   */
  public ConfigException(List<String> errors) {
    super(
        errors.size() == 1
            ? errors.get(0)
            : errors.size() + " problems:\n  " + String.join("\n  ", errors));
    this.errors = List.copyOf(errors);
  }

  /** Every problem found, in file order. */
  public List<String> errors() {
    return errors;
  }
}
