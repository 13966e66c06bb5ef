package dev.sluice.testing;

import dev.sluice.flow.FlowController;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Checks, after every test, the invariants of each flow controller the test made through {@link
 * TrackedControllers} (Caffeine's {@code CacheValidationListener}): a test whose controller's
 * bookkeeping does not add up fails with the list of what is wrong, even if its own assertions
 * passed. A controller made before the first test of a class (in {@code @BeforeAll}) is checked
 * after that test.
 *
 * <p>Registered for every test by JUnit's extension auto-detection (this jar lists it in {@code
 * META-INF/services}): set {@code junit.jupiter.extensions.autodetection.enabled=true} in {@code
 * src/test/resources/junit-platform.properties}; or put {@code @ExtendWith(FlowControllerExtension
 * .class)} on a test class.
 */
public final class FlowControllerExtension implements AfterEachCallback {

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> broken = new ArrayList<>();
    for (FlowController controller : TrackedControllers.takeAll()) {
      List<String> violations = ControllerInvariants.violations(controller);
      if (!violations.isEmpty()) {
        broken.add(controller + ":\n    " + String.join("\n    ", violations));
      }
    }
    if (!broken.isEmpty()) {
      throw new AssertionError(
          context.getDisplayName()
              + " left a flow controller whose invariants are broken:\n  "
              + String.join("\n  ", broken));
    }
  }
}
