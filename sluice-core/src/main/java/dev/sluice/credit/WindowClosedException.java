package dev.sluice.credit;

/**
 * A credit request failed because its stream or connection closed: the peer went away, the stream
 * ended, or the transport shut down. The cause says why.
 */
public final class WindowClosedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  WindowClosedException(String what, Throwable cause) {
    super("the " + what + " window is closed: " + cause, cause);
  }
}
