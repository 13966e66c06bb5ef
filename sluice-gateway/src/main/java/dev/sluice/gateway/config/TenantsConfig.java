package dev.sluice.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code tenants} section: who the callers are, from their API keys, or the identity headers
 * trusted as sent (the behaviour without the section). Immutable and thread-safe.
 *
 * @param mode {@code keys} (the default when the section is present) or {@code trustedHeaders} (the
 *     behaviour without the section)
 * @param keysFile a YAML file {@code tenants: [ ... ]} of more tenants, reloaded when it changes,
 *     or {@code null}. Relative paths are relative to the working directory
 * @param reloadInterval how often the keys file is checked for changes. Default 2 s
 * @param anonymous the tenant of requests without a known key, or {@code null} (the default) to
 *     answer them 401
 * @param list tenants defined in {@code sluice.yaml} itself
 */
public record TenantsConfig(
    Mode mode,
    @Nullable String keysFile,
    Duration reloadInterval,
    @Nullable Tenant anonymous,
    List<Tenant> list) {

  /** Checks for nulls and copies the list. */
  public TenantsConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(reloadInterval, "reloadInterval");
    list = List.copyOf(list);
  }

  /** No tenants: the headers are trusted, as without a {@code tenants} section. */
  public static TenantsConfig none() {
    return new TenantsConfig(Mode.TRUSTED_HEADERS, null, Duration.ofSeconds(2), null, List.of());
  }

  /** How callers are identified. */
  public enum Mode {
    /**
     * The fairness and objective headers are believed as sent: for a gateway behind a trusted proxy
     * that sets them (GIE's model). The mode without a {@code tenants} section.
     */
    TRUSTED_HEADERS,
    /**
     * The caller's tenant comes from its {@code Authorization: Bearer} key; the fairness header
     * names an end user inside the tenant and the objective is clamped to the tenant's ceiling. The
     * default mode of a {@code tenants} section.
     */
    KEYS
  }
}
