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
      usage: sluice tunnel-server [--host H] [--agent-port P] [--connect-port P] [--admin-port P]
                                  [--window BYTES] [--tunnel-window BYTES] [--max-window BYTES]
                                  [--max-connections N] [--dial-timeout-ms MS] [--config FILE]

        --config           a YAML file of these flags without the dashes (window: 262144);
                           flags on the command line win over it
        --host             address the ports bind to (default 127.0.0.1)
        --agent-port       gRPC port agents (and gRPC frontends) dial in to (default 8091)
        --connect-port     HTTP CONNECT port for clients (default 8090)
        --admin-port       port serving /metrics and the dashboard at /; -1 = none (default 8092)
        --window           per-connection receive window in bytes; 0 = no byte credit
                           (default 262144)
        --tunnel-window    receive window of one agent's whole tunnel in bytes; 0 = none
                           (default 4194304)
        --max-window       let a connection's receive window grow up to this many bytes
                           while its reader keeps up (auto-tuning); 0 = fixed (default 0)
        --max-connections  connections one agent's tunnel carries at once (default 1024)
        --dial-timeout-ms  how long a CONNECT waits for the agent's dial (default 5000)""";

  private TunnelServerMain() {}

  /**
   * The server the flags describe.
   *
   * @throws IllegalArgumentException naming the first bad flag and what it expects
   */
  static TunnelServer.Builder configure(String[] args) {
    Flags flags =
        new Flags(
            args,
            Set.of(
                "config",
                "host",
                "agent-port",
                "connect-port",
                "admin-port",
                "window",
                "tunnel-window",
                "max-window",
                "max-connections",
                "dial-timeout-ms"));
    return TunnelServer.builder()
        .host(flags.host("host", "127.0.0.1"))
        .agentPort(flags.port("agent-port", 8091, false))
        .connectPort(flags.port("connect-port", 8090, false))
        .adminPort(flags.port("admin-port", 8092, true))
        .window(flags.bytes("window", 256 * 1024))
        .tunnelWindow(flags.bytes("tunnel-window", 4 * 1024 * 1024))
        .maxWindow(flags.maxWindow())
        .maxConnections(flags.positive("max-connections", 1024))
        .dialTimeout(flags.positiveMillis("dial-timeout-ms", Duration.ofSeconds(5)));
  }

  /** Runs the server. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(USAGE);
      return;
    }
    TunnelServer server;
    try {
      server = configure(args).build();
    } catch (IllegalArgumentException e) {
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
            + (server.adminPort() >= 0 ? "  /metrics -> :" + server.adminPort() : "")
            + "  (Ctrl-C stops)");
    if (server.adminPort() >= 0) {
      String host = server.host().contains(":") ? "[" + server.host() + "]" : server.host();
      System.out.println("Dashboard: http://" + host + ":" + server.adminPort() + "/");
    }
    stopped.await();
  }
}
