package dev.sluice.gateway.internal.server;

import com.linecorp.armeria.common.FlagsProvider;

/**
 * Armeria defaults the gateway changes. Found by {@link java.util.ServiceLoader} through {@code
 * META-INF/services}; not for use from code.
 *
 * <p>{@code defaultHttp1ConnectionCloseDelayMillis} is 0: after an HTTP/1 response that closes the
 * connection ({@code Connection: close}, or a request the server could not finish reading), Armeria
 * otherwise keeps the socket open for 3 s waiting for the client to close first, so a client that
 * reads to EOF waits 3 s per request, on every port. Armeria 1.36 has no {@code ServerBuilder}
 * option for this delay, only this flag, so it applies to every Armeria server in the JVM; the
 * gateway's jar sets it with priority {@value #PRIORITY}, below Armeria's system properties ({@code
 * -Dcom.linecorp.armeria.defaultHttp1ConnectionCloseDelayMillis=...} still wins) and above
 * Armeria's built-in defaults. The cost of closing first is a TIME_WAIT entry on the server per
 * closed connection, which a listening server can afford. Stateless.
 */
public final class ArmeriaFlags implements FlagsProvider {

  static final int PRIORITY = 0;

  /** Called by {@link java.util.ServiceLoader}. */
  public ArmeriaFlags() {}

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public Long defaultHttp1ConnectionCloseDelayMillis() {
    return 0L;
  }
}
