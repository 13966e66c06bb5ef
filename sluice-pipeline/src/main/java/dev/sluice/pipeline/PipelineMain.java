package dev.sluice.pipeline;

import dev.sluice.pipeline.config.ConfigException;
import dev.sluice.pipeline.config.PipelineFileConfig;
import dev.sluice.pipeline.http.PipelineServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sluice pipeline --config pipeline.yaml}: runs the pipeline's HTTP API until interrupted
 * (Ctrl-C or SIGTERM). Exit status 2 for bad arguments or configuration. {@link #main} blocks.
 */
public final class PipelineMain {

  private static final String USAGE =
      """
      usage: sluice pipeline --config FILE
             sluice pipeline --check FILE     validate a configuration and exit

      Runs the pipeline control plane's HTTP JSON API described by FILE (see
      sluice-pipeline/README.md and sluice-pipeline/examples/pipeline.yaml). State is in memory unless
      the file sets store.path (an SQLite file).""";

  private PipelineMain() {}

  /** Runs the pipeline. */
  public static void main(String[] args) throws InterruptedException {
    int status = run(args, System.out, System.err);
    if (status >= 0) {
      System.exit(status);
    }
  }

  /**
   * Checks the config (returns 0), fails (returns 2), or runs until the JVM shuts down (returns -1
   * after the shutdown hook stopped it).
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
    PipelineFileConfig config;
    try {
      config = PipelineFileConfig.load(Path.of(args[1]));
    } catch (ConfigException e) {
      err.println(args[1] + ": " + e.getMessage());
      return 2;
    }
    if (args[0].equals("--check")) {
      out.println(args[1] + ": OK");
      return 0;
    }
    Pipeline pipeline;
    try {
      pipeline = Pipeline.create(config.pipeline(), config.store().open());
    } catch (PipelineStoreException e) {
      err.println(args[1] + ": " + e.getMessage());
      return 2;
    }
    PipelineServer server = PipelineServer.start(pipeline, config.http());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  pipeline.close();
                  stopped.countDown();
                },
                "sluice-pipeline-shutdown"));
    out.println(
        "sluice pipeline: http://"
            + config.http().host()
            + ":"
            + server.port()
            + "/v1"
            + (server.adminPort() < 0
                ? ""
                : "  admin http://"
                    + config.http().adminHost()
                    + ":"
                    + server.adminPort()
                    + "/metrics")
            + "  ("
            + config.store().describe()
            + "; Ctrl-C stops)");
    stopped.await();
    return -1;
  }
}
