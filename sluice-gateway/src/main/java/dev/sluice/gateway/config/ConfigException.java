package dev.sluice.gateway.config;

import java.util.List;

/**
 * A gateway configuration was invalid. {@link #errors()} lists every problem, each starting with
 * the path of the bad value, for example {@code backends[0].url: 'ftp://x' (expected an http URL)}.
 * Immutable.
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  /** Creates an exception listing {@code errors}. */
  public ConfigException(List<String> errors) {
    super("invalid gateway configuration:\n  " + String.join("\n  ", errors));
    this.errors = List.copyOf(errors);
  }

  /** Every problem found, one message each. */
  public List<String> errors() {
    return errors;
  }
}
