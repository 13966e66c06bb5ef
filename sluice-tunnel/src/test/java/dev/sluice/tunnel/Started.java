package dev.sluice.tunnel;

/**
 * A started {@link TunnelServer} for try-with-resources that stops it without waiting for its ports
 * to finish stopping (Netty's two-second quiet period on each acceptor thread), as Armeria's {@code
 * ServerExtension} does: every port in these tests is ephemeral, so nothing that follows depends on
 * the old one being gone. {@link TunnelServer#closeAsync} still ends every tunnel and connection at
 * once. A test that binds the same port again closes its server itself and waits.
 */
record Started(TunnelServer server) implements AutoCloseable {

  /** Builds and starts a server. */
  static Started start(TunnelServer.Builder builder) {
    return new Started(builder.build().start());
  }

  @Override
  public void close() {
    server.closeAsync();
  }
}
