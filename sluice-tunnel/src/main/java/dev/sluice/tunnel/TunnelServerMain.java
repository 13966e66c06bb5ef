package dev.sluice.tunnel;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sluice tunnel-server [flags]}: runs a {@link TunnelServer} until interrupted. Exit status
 * 2 for bad flags.
 */
public final class TunnelServerMain {

  private static final String USAGE =
      """
      usage: sluice tunnel-server [--host H] [--agent-port P] [--connect-port P]
                                  [--window BYTES] [--dial-timeout-ms MS]

        --host             address both ports bind to (default 127.0.0.1)
        --agent-port       gRPC port agents dial in to (default 8091)
        --connect-port     HTTP CONNECT port for clients (default 8090)
        --window           per-connection receive window in bytes; 0 = no byte credit
                           (default 262144)
        --dial-timeout-ms  how long a CONNECT waits for the agent's dial (default 5000)""";

  private TunnelServerMain() {}

  /** Runs the server. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(USAGE);
      return;
    }
    TunnelServer server;
    try {
      Flags flags =
          new Flags(
              args, Set.of("host", "agent-port", "connect-port", "window", "dial-timeout-ms"));
      server =
          TunnelServer.builder()
              .host(flags.string("host", "127.0.0.1"))
              .agentPort(Math.toIntExact(flags.number("agent-port", 8091)))
              .connectPort(Math.toIntExact(flags.number("connect-port", 8090)))
              .window(flags.number("window", 256 * 1024))
              .dialTimeout(flags.millis("dial-timeout-ms", Duration.ofSeconds(5)))
              .build();
    } catch (IllegalArgumentException | ArithmeticException e) {
      System.err.println("sluice tunnel-server: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    server.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "sluice-tunnel-server-shutdown"));
    System.out.println(
        "sluice tunnel-server: agents -> :"
            + server.agentPort()
            + "  CONNECT -> :"
            + server.connectPort()
            + "  (Ctrl-C stops)");
    stopped.await();
  }
}
