package dev.sluice.sim.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadSpecYamlTest {

  @Test
  void readsEveryField() {
    LoadSpec spec =
        LoadSpecYaml.parse(
            String.join(
                "\n",
                "target: http://127.0.0.1:9000",
                "path: /v1/completions",
                "model: m",
                "mode: closed-loop",
                "concurrency: 4",
                "maxRequests: 50",
                "duration: 30s",
                "drainTimeout: 500ms",
                "seed: 9",
                "slo: {ttft: 200ms, e2e: 2s}",
                "tenants:",
                "  - name: alice",
                "    objective: premium",
                "    priority: 10",
                "    share: 3",
                "    promptTokens: 100",
                "    outputTokens: 20",
                "    slo: {tpot: 40ms}",
                "    headers: {x-extra: hello}",
                "  - name: bob",
                "    fairnessId: team-b",
                ""));
    assertThat(spec.mode()).isEqualTo(LoadSpec.Mode.CLOSED_LOOP);
    assertThat(spec.concurrency()).isEqualTo(4);
    assertThat(spec.path()).isEqualTo("/v1/completions");
    assertThat(spec.drainTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(spec.slo().ttft()).isEqualTo(Duration.ofMillis(200));
    Tenant alice = spec.tenants().get(0);
    assertThat(alice.fairnessId()).isEqualTo("alice");
    assertThat(alice.objective()).isEqualTo("premium");
    assertThat(alice.priority()).isEqualTo(10);
    assertThat(alice.headers()).containsEntry("x-extra", "hello");
    assertThat(spec.sloFor(alice).tpot()).isEqualTo(Duration.ofMillis(40));
    Tenant bob = spec.tenants().get(1);
    assertThat(bob.fairnessId()).isEqualTo("team-b");
    assertThat(spec.sloFor(bob)).isEqualTo(spec.slo());
  }

  @Test
  void errorsNameTheKey() {
    assertThatThrownBy(() -> LoadSpecYaml.parse("tenants: [{name: a, shares: 2}]"))
        .hasMessageContaining("tenants[0].shares: unknown key");
    assertThatThrownBy(() -> LoadSpecYaml.parse("rate: fast\ntenants: [{name: a}]"))
        .hasMessageContaining("rate: 'fast' (expected a number)");
    assertThatThrownBy(() -> LoadSpecYaml.parse("duration: soon\ntenants: [{name: a}]"))
        .hasMessageContaining("duration: 'soon' (expected a duration >= 0 such as 50ms, 2s, 1m)");
    assertThatThrownBy(() -> LoadSpecYaml.parse("rate: 0\ntenants: [{name: a}]"))
        .hasMessageContaining("rate: 0.0 (expected: > 0");
  }

  @Test
  void everyBadKeyIsReportedAtOnceByItsPath() {
    assertThatThrownBy(
            () ->
                LoadSpecYaml.parse(
                    "mode: sideways\nseed: x\ntenants: [{share: 2, slo: {ttft: 5 parsecs}}, 3]"))
        .hasMessage(
            String.join(
                "\n",
                "mode: 'sideways' (expected one of: open-loop, closed-loop)",
                "seed: 'x' (expected an integer)",
                "tenants[0].name: missing (expected a string)",
                "tenants[0].slo.ttft: '5 parsecs' (expected a duration >= 0 such as 50ms, 2s, 1m)",
                "tenants[1]: expected a mapping"));
  }
}
