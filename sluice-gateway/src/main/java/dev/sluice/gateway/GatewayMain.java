package dev.sluice.gateway;

import dev.sluice.gateway.config.ConfigException;
import dev.sluice.gateway.config.GatewayConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sluice gateway --config sluice.yaml}: runs the gateway until interrupted (Ctrl-C or
 * SIGTERM), then shuts it down gracefully. Exit status 2 for bad arguments or configuration.
 * Stateless; {@link #main} runs on the caller's thread and blocks.
 */
public final class GatewayMain {

  private static final String USAGE =
      """
      usage: sluice gateway --config FILE
             sluice gateway --check FILE     validate a configuration and exit

      Runs the flow-controlled inference gateway described by FILE (see
      sluice-gateway/README.md and examples/sluice.yaml).""";

  private GatewayMain() {}

  /** Runs the gateway. */
  public static void main(String[] args) throws InterruptedException {
    int status = run(args, System.out, System.err);
    if (status >= 0) {
      System.exit(status);
    }
  }

  /**
   * Validates arguments and either checks the config (returns 0), fails (returns 2), or runs the
   * gateway until the JVM shuts down (returns -1 after the shutdown hook has closed it).
   */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(USAGE);
      return 0;
    }
    if (args.length != 2 || !(args[0].equals("--config") || args[0].equals("--check"))) {
      err.println(USAGE);
      return 2;
    }
    GatewayConfig config;
    try {
      config = GatewayConfig.load(Path.of(args[1]));
    } catch (ConfigException e) {
      err.println(args[1] + ": " + e.getMessage());
      return 2;
    }
    if (args[0].equals("--check")) {
      out.println(args[1] + ": OK (" + config.backends().size() + " backend(s))");
      return 0;
    }
    if (config.backends().isEmpty()) {
      err.println(
          args[1]
              + ": warning: no backends; every request will wait "
              + config.noEndpointTtl().toMillis()
              + " ms, then get 503");
    }
    Gateway gateway = Gateway.builder(config).build().start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  gateway.close();
                  stopped.countDown();
                },
                "sluice-gateway-shutdown"));
    out.println(
        "sluice gateway: http://"
            + config.server().host()
            + ":"
            + gateway.port()
            + "/v1  admin http://"
            + config.admin().host()
            + ":"
            + gateway.adminPort()
            + "  (Ctrl-C stops)");
    stopped.await();
    return -1;
  }
}
