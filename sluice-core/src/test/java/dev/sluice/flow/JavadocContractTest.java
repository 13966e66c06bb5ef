package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.testing.JavadocContract;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every public top-level type documents its contract, including how it behaves across threads. */
class JavadocContractTest {

  @Test
  void publicTypesStateTheirThreadSafety() {
    Map<String, Boolean> types = JavadocContract.publicTypes(Path.of("src/main/java"));
    assertThat(types)
        .containsKeys("FlowController", "FlowRequest", "FlowQueue", "SaturationDetector");
    assertThat(types)
        .as("public types whose Javadoc does not state thread-safety")
        .allSatisfy((type, documented) -> assertThat(documented).as(type).isTrue());
  }
}
