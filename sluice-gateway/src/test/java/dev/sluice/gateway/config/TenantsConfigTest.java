package dev.sluice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.gateway.internal.tenant.KeysFile;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code tenants} section: its defaults, its entries, and its errors with their paths. */
class TenantsConfigTest {

  private static final String HASH = KeysFile.sha256Hex("sk-acme");

  @Test
  void withoutATenantsSectionTheHeadersAreTrustedAsBefore() {
    GatewayConfig config = GatewayConfig.parse("");

    assertThat(config.tenants()).isEqualTo(TenantsConfig.none());
    assertThat(config.tenants().mode()).isEqualTo(TenantsConfig.Mode.TRUSTED_HEADERS);
    assertThat(config.identity().stripped()).doesNotContain("authorization");
  }

  @Test
  void aTenantsSectionDefaultsToKeysAndStripsTheKeyBeforeForwarding() {
    GatewayConfig config =
        GatewayConfig.parse(
            """
            objectives: {premium: 10, standard: 0}
            tenants:
              keysFile: /etc/sluice/keys.yaml
              anonymous: {weight: 0.5}
              list:
                - id: acme
                  keySha256: [%s, %s]
                  weight: 3
                  maxObjective: premium
                  maxConcurrentRequests: 8
                  maxQueuedRequests: 4
                  tokensPerMinute: 6000
            """
                .formatted(HASH, KeysFile.sha256Hex("sk-acme-2").toUpperCase()));

    TenantsConfig tenants = config.tenants();
    assertThat(tenants.mode()).isEqualTo(TenantsConfig.Mode.KEYS);
    assertThat(tenants.keysFile()).isEqualTo("/etc/sluice/keys.yaml");
    assertThat(tenants.reloadInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(tenants.anonymous())
        .isEqualTo(new Tenant("anonymous", 0.5, null, 0, 0, 0, 0, List.of()));
    assertThat(tenants.list())
        .containsExactly(
            new Tenant(
                "acme",
                3,
                "premium",
                10,
                8,
                4,
                6000,
                List.of(HASH, KeysFile.sha256Hex("sk-acme-2"))));
    assertThat(config.identity().stripped()).contains("authorization");
  }

  @Test
  void trustedHeadersModeIsChosenExplicitly() {
    GatewayConfig config = GatewayConfig.parse("tenants: {mode: trustedHeaders}");

    assertThat(config.tenants().mode()).isEqualTo(TenantsConfig.Mode.TRUSTED_HEADERS);
  }

  @Test
  void everyBadValueIsReportedWithItsPath() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                GatewayConfig.parse(
                    """
                    objectives: {premium: 10}
                    tenants:
                      mode: open
                      reloadInterval: soon
                      colour: blue
                      anonymous: {keySha256: %s}
                      list:
                        - {id: "a/b", keySha256: abc, weight: 0, maxObjective: gold, maxQueuedRequests: -1}
                        - {id: ok, keySha256: %s}
                        - {id: ok, keySha256: %s}
                    """
                        .formatted(HASH, HASH, HASH)));

    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "tenants.colour: unknown key (expected one of: mode, keysFile, reloadInterval,"
                + " anonymous, list)",
            "tenants.mode: 'open' (expected keys or trustedHeaders)",
            "tenants.reloadInterval: \"soon\" (expected a duration > 0 such as 2s)",
            "tenants.anonymous.keySha256: unknown key (expected one of: id, weight, maxObjective,"
                + " maxConcurrentRequests, maxQueuedRequests, tokensPerMinute)",
            "tenants.list[0].id: 'a/b' (expected 1 to 64 letters, digits, '.', '_' or '-')",
            "tenants.list[0].weight: 0 (expected a positive number)",
            "tenants.list[0].keySha256: \"abc\" (expected 64 hex digits: printf %s \"$KEY\" |"
                + " sha256sum)",
            "tenants.list[0].maxObjective: 'gold' (expected one of the objectives: premium)",
            "tenants.list[0].maxQueuedRequests: -1 (expected an integer >= 0, 0 = no limit)",
            "tenants.list[2].id: 'ok' (expected unique: it is defined twice)",
            "tenants.list[2].keySha256: " + HASH + " (expected unique: another entry has it)");
  }

  @Test
  void keysModeNeedsSomeTenant() {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> GatewayConfig.parse("tenants: {}"));

    assertThat(e.errors())
        .containsExactly(
            "tenants: no tenants (expected 'list', 'keysFile' or 'anonymous' in mode keys)");
  }

  @Test
  void theHashIsTheHexSha256OfTheKeysUtf8Bytes() {
    assertThat(KeysFile.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
