package dev.sluice.lab;

import dev.sluice.flow.BandConfig;
import dev.sluice.flow.FlowControlException;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The real {@link FlowController} on virtual time: a {@link ConcurrencyDetector} with the backend's
 * slots gates dispatch, and each admission is closed when its service time has passed.
 */
public final class SluiceSystem implements LabSystem {
  private final String name;
  private final ManualClock time;
  private final Recorder recorder;
  private final FlowController controller;
  private final FlowRequest[] requestsByTenant;
  private final Scenario scenario;

  /** Sluice configured by {@code scenario} and {@code variant}. */
  public SluiceSystem(
      Scenario scenario, Scenario.SluiceVariant variant, ManualClock time, Recorder recorder) {
    this.name = variant.name();
    this.time = time;
    this.recorder = recorder;
    this.scenario = scenario;
    FairnessPolicy fairness = FairnessPolicy.roundRobin();
    if (scenario.weightedFairness()) {
      Map<String, Double> weights = new HashMap<>();
      scenario.tenants().forEach(t -> weights.put(t.id(), t.weight()));
      fairness = FairnessPolicy.weightedFair(weights, 1.0);
    }
    TreeSet<Integer> priorities = new TreeSet<>();
    scenario.tenants().forEach(t -> priorities.add(t.priority()));
    List<BandConfig> bands = new ArrayList<>();
    for (int priority : priorities) {
      bands.add(
          BandConfig.builder(priority)
              .maxRequests(0)
              .maxBytes(0)
              .maxFlowRequests(scenario.perFlowLimit())
              .fairness(fairness)
              .build());
    }
    controller =
        FlowController.create(
            FlowControllerConfig.builder()
                .bands(bands)
                .maxRequests(scenario.queueLimit())
                .displacement(scenario.displacement())
                .usageLimitPolicy(variant.usageLimit())
                .saturationDetector(ConcurrencyDetector.ofRequests(scenario.slots()))
                .ticker(time)
                .scheduler(time)
                .build());
    requestsByTenant = new FlowRequest[scenario.tenants().size()];
    for (int t = 0; t < requestsByTenant.length; t++) {
      TenantSpec tenant = scenario.tenants().get(t);
      requestsByTenant[t] = FlowRequest.of(FlowKey.of(tenant.id(), tenant.priority()));
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void submit(Arrival arrival) {
    FlowRequest template = requestsByTenant[arrival.tenant()];
    FlowRequest request =
        new FlowRequest(
            template.flowKey(),
            0,
            arrival.cost(),
            arrival.ttlNanos() > 0 ? Duration.ofNanos(arrival.ttlNanos()) : null,
            null,
            FlowRequest.NOT_SET,
            null,
            null);
    var unused =
        controller
            .submit(request)
            .whenComplete(
                (admission, failure) -> {
                  if (admission != null) {
                    recorder.dispatched(arrival, time.read());
                    if (admission.queueWaitNanos() != time.read() - arrival.atNanos()) {
                      throw new IllegalStateException(
                          "queueWaitNanos "
                              + admission.queueWaitNanos()
                              + " disagrees with the virtual clock for "
                              + arrival);
                    }
                    time.schedule(
                        () -> {
                          recorder.finished(arrival);
                          admission.close();
                        },
                        arrival.serviceNanos());
                  } else {
                    Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                    if (!(cause instanceof FlowControlException rejected)) {
                      throw new IllegalStateException("unexpected failure for " + arrival, failure);
                    }
                    recorder.ended(arrival, rejected.outcome(), time.read());
                  }
                });
  }

  /** The controller, for checks after a run. */
  public FlowController controller() {
    return controller;
  }

  @Override
  public void shutdown() {
    controller.close();
  }

  @Override
  public String toString() {
    return name + " on " + scenario.name();
  }
}
