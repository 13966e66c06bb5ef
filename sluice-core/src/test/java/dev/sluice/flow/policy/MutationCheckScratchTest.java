package dev.sluice.flow.policy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.queue.QueueItem;
import java.util.*;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class MutationCheckScratchTest {
  final FairnessPolicyConformanceTest t = new FairnessPolicyConformanceTest();

  static FairnessPolicy wrap(FairnessPolicy inner, java.util.function.Function<FairnessPolicy.BandState, FairnessPolicy.BandState> f) {
    return new FairnessPolicy() {
      public String name() { return inner.name(); }
      public BandState newBandState(Comparator<QueueItem> o) { return f.apply(inner.newBandState(o)); }
    };
  }

  static class Delegate implements FairnessPolicy.BandState {
    final FairnessPolicy.BandState d; final List<FlowQueueView> seen = new ArrayList<>();
    Delegate(FairnessPolicy.BandState d) { this.d = d; }
    public void onEnqueued(FlowQueueView f, QueueItem i) { if (!seen.contains(f)) seen.add(f); d.onEnqueued(f, i); }
    public void onRemoved(FlowQueueView f, QueueItem i, boolean x) { d.onRemoved(f, i, x); }
    public FlowQueueView pick() { return d.pick(); }
    public void onFlowRemoved(FlowQueueView f) { seen.remove(f); d.onFlowRemoved(f); }
  }

  @Test void reversedGlobalStrict() {
    FairnessPolicy p = new FairnessPolicy() {
      public String name() { return "gs-rev"; }
      public BandState newBandState(Comparator<QueueItem> o) { return FairnessPolicy.globalStrict().newBandState(o.reversed()); }
    };
    // the brute-force test uses globalStrict() directly; check via churn dispatch order instead
    assertThatThrownBy(() -> t.dispatchesEveryEnqueuedItemExactlyOnceInItsFlowsOrder(p)).isInstanceOf(AssertionError.class);
  }

  @Test void returnsEmptyFlow() {
    FairnessPolicy p = wrap(FairnessPolicy.roundRobin(), s -> new Delegate(s) {
      public FlowQueueView pick() { FlowQueueView r = d.pick(); return r == null && !seen.isEmpty() ? seen.get(0) : r; }
    });
    assertThatThrownBy(() -> t.picksNothingWhileNoFlowIsBacklogged(p)).isInstanceOf(AssertionError.class);
  }

  @Test void returnsRemovedFlow() {
    FairnessPolicy p = wrap(FairnessPolicy.roundRobin(), s -> new Delegate(s) {
      FlowQueueView removed;
      public void onFlowRemoved(FlowQueueView f) { removed = f; super.onFlowRemoved(f); }
      public FlowQueueView pick() { return removed != null && removed.size() > 0 ? removed : d.pick(); }
    });
    assertThatThrownBy(() -> t.staysCorrectUnderChurn(p, 7)).isInstanceOf(AssertionError.class);
  }

  @Test void idlesWithWork() {
    FairnessPolicy p = wrap(FairnessPolicy.roundRobin(), s -> new Delegate(s) {
      int n;
      public FlowQueueView pick() { return ++n % 50 == 0 ? null : d.pick(); }
    });
    assertThatThrownBy(() -> t.staysCorrectUnderChurn(p, 7)).isInstanceOf(AssertionError.class);
  }

  @Test void scanningRoundRobin() {
    FairnessPolicy p = wrap(FairnessPolicy.roundRobin(), s -> new Delegate(s) {
      public FlowQueueView pick() { for (FlowQueueView f : seen) f.size(); return d.pick(); }
    });
    // run the amortized test body against p by reflection-free copy: check via weighted helper below
    TestBand band = new TestBand(p, "scan");
    List<TestFlow> flows = new ArrayList<>();
    for (int i = 0; i < 500; i++) { TestFlow f = band.flow("f" + i); flows.add(f); band.enqueue(f, 1); }
    band.dispatchAll();
    long reads = flows.stream().mapToLong(f -> f.reads).sum();
    long ops = band.enqueued + band.dispatched + band.picks;
    org.assertj.core.api.Assertions.assertThat(reads).isGreaterThan(3 * ops);
  }

  @Test void ignoresWeights() {
    ToDoubleFunction<FlowKey> configured = key -> Map.of("f0", 1.0, "f1", 2.5, "f2", 4.0).getOrDefault(key.id(), 1.5);
    assertThatThrownBy(() -> t.weightedFairSharesCostInProportionToWeight(FairnessPolicy.weightedFair(), configured))
        .isInstanceOf(AssertionError.class);
  }

  @Test void roundRobinAsGlobalStrictIsUnfair() {
    // The equal-turns test is hard-wired to roundRobin(); global-strict run through the same loop must fail.
    TestBand band = new TestBand(FairnessPolicy.globalStrict(), "gs");
    TestFlow a = band.flow("a"); TestFlow b = band.flow("b");
    for (int i = 0; i < 5; i++) band.enqueue(a, 1);
    for (int i = 0; i < 5; i++) band.enqueue(b, 1);
    org.assertj.core.api.Assertions.assertThat(band.dispatch().flow()).isSameAs(band.dispatch().flow());
  }

  /** SFQ that banks credit: start = finish, ignoring virtual time. */
  @Test void bankingWeightedFair() {
    FairnessPolicy banking = new FairnessPolicy() {
      public String name() { return "banking"; }
      public BandState newBandState(Comparator<QueueItem> o) {
        return new BandState() {
          final Map<FlowQueueView, double[]> tags = new HashMap<>();
          final Set<FlowQueueView> backlogged = new LinkedHashSet<>();
          public void onEnqueued(FlowQueueView f, QueueItem i) { tags.computeIfAbsent(f, k -> new double[1]); backlogged.add(f); }
          public void onRemoved(FlowQueueView f, QueueItem i, boolean x) {
            if (x) tags.get(f)[0] += i.request().cost();
            if (f.size() == 0) backlogged.remove(f);
          }
          public FlowQueueView pick() { return backlogged.stream().min(Comparator.comparingDouble((FlowQueueView f) -> tags.get(f)[0]).thenComparing(FlowQueueView::key)).orElse(null); }
          public void onFlowRemoved(FlowQueueView f) { backlogged.remove(f); tags.remove(f); }
        };
      }
    };
    assertThatThrownBy(() -> t.weightedFairBanksNoCreditForIdleTime(banking, k -> 1.0, "dispatch")).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> t.weightedFairBanksNoCreditForIdleTime(banking, k -> 1.0, "withdrawal")).isInstanceOf(AssertionError.class);
    // and the same policy passes the share test: it is proportional, just with memory
    t.weightedFairSharesCostInProportionToWeight(banking, k -> 1.0);
  }
}
