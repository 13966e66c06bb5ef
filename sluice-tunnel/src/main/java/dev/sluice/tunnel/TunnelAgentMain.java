package dev.sluice.tunnel;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sluice tunnel-agent [flags]}: runs a {@link TunnelAgent} until interrupted, then
 * {@linkplain TunnelAgent#drain() drains} it. Exit status 2 for bad flags.
 */
public final class TunnelAgentMain {

  private static final String USAGE =
      """
      usage: sluice tunnel-agent [--server HOST:PORT] [--agent-id ID] [--window BYTES]
                                 [--tunnel-window BYTES] [--max-window BYTES]
                                 [--max-connections N] [--dial-timeout-ms MS]
                                 [--drain-timeout-ms MS] [--config FILE]

        --config           a YAML file of these flags without the dashes (window: 262144);
                           flags on the command line win over it
        --server           the tunnel server's agent port (default 127.0.0.1:8091)
        --agent-id         sent as the agentID metadata (default a random UUID)
        --window           per-connection receive window in bytes; 0 = no byte credit
                           (default 262144)
        --tunnel-window    receive window of the whole tunnel in bytes; 0 = none
                           (default 4194304)
        --max-window       let a connection's receive window grow up to this many bytes
                           while its reader keeps up (auto-tuning); 0 = fixed (default 0)
        --max-connections  destination connections open at once (default 1024)
        --dial-timeout-ms  destination dial timeout (default 5000)
        --drain-timeout-ms on Ctrl-C or SIGTERM: send DRAIN, refuse new dials, and let open
                           connections go on this long at most; 0 = close at once
                           (default 10000)""";

  private TunnelAgentMain() {}

  /**
   * The agent the flags describe.
   *
   * @throws IllegalArgumentException naming the first bad flag and what it expects
   */
  static TunnelAgent.Builder configure(String[] args) {
    Flags flags =
        new Flags(
            args,
            Set.of(
                "config",
                "server",
                "agent-id",
                "window",
                "tunnel-window",
                "max-window",
                "max-connections",
                "dial-timeout-ms",
                "drain-timeout-ms"));
    var server = flags.hostPort("server", "127.0.0.1:8091");
    TunnelAgent.Builder builder =
        TunnelAgent.builder(server.getHostString(), server.getPort())
            .window(flags.bytes("window", 256 * 1024))
            .tunnelWindow(flags.bytes("tunnel-window", 4 * 1024 * 1024))
            .maxWindow(flags.maxWindow())
            .maxConnections(flags.positive("max-connections", 1024))
            .dialTimeout(flags.positiveMillis("dial-timeout-ms", Duration.ofSeconds(5)))
            .drainTimeout(flags.nonNegativeMillis("drain-timeout-ms", Duration.ofSeconds(10)));
    String id = flags.optional("agent-id");
    if (id != null) {
      builder.agentId(id);
    }
    return builder;
  }

  /** Runs the agent. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(USAGE);
      return;
    }
    TunnelAgent agent;
    try {
      agent = configure(args).build();
    } catch (IllegalArgumentException e) {
      System.err.println("sluice tunnel-agent: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    agent.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Drains: the server stops sending new dials here, open connections finish.
                  agent.drain().join();
                  stopped.countDown();
                },
                "sluice-tunnel-agent-shutdown"));
    System.out.println("sluice tunnel-agent " + agent.agentId() + ": dialing in  (Ctrl-C stops)");
    stopped.await();
  }
}
