package dev.sluice.testing;

import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixture factory of flow controllers for tests: each controller made here is checked by {@link
 * ControllerInvariants} after the test that made it, by {@link FlowControllerExtension}.
 * Thread-safe; a test may make controllers on any thread.
 */
public final class TrackedControllers {
  private static final List<FlowController> created = new ArrayList<>();

  private TrackedControllers() {}

  /** {@link FlowController#create(FlowControllerConfig)}, tracked until the end of the test. */
  public static FlowController create(FlowControllerConfig config) {
    FlowController controller = FlowController.create(config);
    synchronized (created) {
      created.add(controller);
    }
    return controller;
  }

  /** The controllers made since the last call, which forgets them. */
  static List<FlowController> takeAll() {
    synchronized (created) {
      List<FlowController> taken = new ArrayList<>(created);
      created.clear();
      return taken;
    }
  }
}
