package dev.sluice.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.pipeline.PipelineConfig;
import dev.sluice.pipeline.store.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineFileConfigTest {

  @Test
  void emptyDocumentIsEveryDefault() {
    PipelineFileConfig config = PipelineFileConfig.parse("");
    PipelineConfig p = config.pipeline();
    assertThat(p.highWatermarkBytes()).isZero();
    assertThat(p.maxResidentBytes()).isZero();
    assertThat(p.leaseTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.maxAttempts()).isEqualTo(3);
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.http().adminPort()).isEqualTo(9090);
    assertThat(config.http().maxWait()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theExampleFileIsValid() {
    PipelineFileConfig config = PipelineFileConfig.load(Path.of("examples/pipeline.yaml"));
    assertThat(config.pipeline().highWatermarkBytes()).isEqualTo(16L << 30);
    assertThat(config.pipeline().lowWatermarkBytes()).isEqualTo(8L << 30);
    assertThat(config.pipeline().reservedBytesPerItem()).isEqualTo(64L << 20);
    assertThat(config.pipeline().maxInFlightPerWorker()).isEqualTo(8);
  }

  @Test
  void theStoreIsMemoryUnlessAPathIsSet() {
    assertThat(PipelineFileConfig.parse("").store()).isEqualTo(StoreSettings.memory());
    assertThat(PipelineFileConfig.parse("").store().describe()).isEqualTo("in memory");
    StoreSettings store =
        PipelineFileConfig.parse("store:\n  path: /var/lib/sluice/p.db\n  synchronous: normal\n")
            .store();
    assertThat(store.path()).isEqualTo(Path.of("/var/lib/sluice/p.db"));
    assertThat(store.synchronous()).isEqualTo(SqliteStore.Synchronous.NORMAL);
    assertThat(store.describe()).isEqualTo("sqlite /var/lib/sluice/p.db (synchronous=NORMAL)");
    assertThatThrownBy(() -> PipelineFileConfig.parse("store:\n  synchronous: sometimes\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.synchronous: 'sometimes' (expected: FULL or NORMAL)");
    assertThatThrownBy(() -> PipelineFileConfig.parse("store:\n  file: x.db\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("store.file: unknown key");
  }

  @Test
  void sizesDurationsAndTheLowDefault() {
    PipelineFileConfig config =
        PipelineFileConfig.parse(
            """
        backpressure:
          highWatermarkBytes: 16KiB
          maxResidentBytes: 24576
        leases:
          timeout: 1.5m
          visibilityTimeout: 500
        """);
    assertThat(config.pipeline().lowWatermarkBytes()).isEqualTo(8 * 1024);
    assertThat(config.pipeline().maxResidentBytes()).isEqualTo(24 * 1024);
    assertThat(config.pipeline().leaseTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.pipeline().visibilityTimeout()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void everyBadValueIsNamedByItsPath() {
    assertThatThrownBy(
            () ->
                PipelineFileConfig.parse(
                    """
        server:
          port: 70000
          colour: blue
        admin: 3
        backpressure:
          highWatermarkBytes: 10KiB
          lowWatermarkBytes: 20KiB
          maxResidentBytes: lots
          maxInFlightPerWorker: -2
        leases:
          timeout: 0s
          maxAttempts: 0
        """))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).errors())
                    .containsExactlyInAnyOrder(
                        "server.colour: unknown key (expected one of: host, port, maxRequestBytes, maxWait)",
                        "admin: 3 (expected a mapping)",
                        "server.port: 70000 (expected 0 to 65535)",
                        "backpressure.maxResidentBytes: 'lots' (expected a size >= 0: bytes, or 512B, 16KiB,"
                            + " 64MiB, 2GiB, 1TiB)",
                        "leases.timeout: '0s' (expected a duration > 0 such as 50ms, 2s, 1m)",
                        "backpressure.lowWatermarkBytes: 20480 (expected: <= highWatermarkBytes 10240)",
                        "backpressure.maxInFlightPerWorker: -2 (expected: >= 0, 0 = unlimited)",
                        "leases.maxAttempts: 0 (expected: >= 1)"));
  }

  @Test
  void brokenYamlSaysWhere() {
    assertThatThrownBy(() -> PipelineFileConfig.parse("server: [1,\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("yaml: ");
  }
}
