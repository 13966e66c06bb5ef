package dev.sluice.flow;

import java.util.List;

/**
 * A configuration was invalid. {@link #errors()} lists every problem found, each naming the field
 * by its path, the value and what was expected, for example {@code bands[1].maxRequests: -3
 * (expected: >= 0)}.
 */
public final class FlowConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  /** Creates an exception listing {@code errors}. */
  public FlowConfigException(List<String> errors) {
    super("invalid flow control configuration: " + String.join("; ", errors));
    this.errors = List.copyOf(errors);
  }

  /** Every problem found, one message each. */
  public List<String> errors() {
    return errors;
  }
}
