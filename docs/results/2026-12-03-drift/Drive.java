import dev.sluice.flow.*;
import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.saturation.SaturationDetector;
import java.util.*;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/** Saturated dispatch (the SaturatedDispatchBenchmark workload): setup(args), then run(n) ops. */
public class Drive {
  static final class Slots implements SaturationDetector {
    final AtomicLong inFlight = new AtomicLong(); final long slots;
    Slots(long s) { slots = s; }
    public double saturation() { return (double) inFlight.get() / slots; }
    public boolean tryDispatch(FlowRequest r, double ceiling) {
      for (;;) { long t = inFlight.get(); if (!((double) t / slots < ceiling)) return false;
        if (inFlight.compareAndSet(t, t + 1)) return true; } }
    public void onDispatched(FlowRequest r) { inFlight.incrementAndGet(); }
    public void onFinished(FlowRequest r) { inFlight.decrementAndGet(); }
  }
  static FlowController C; static FlowRequest[] REQS; static int[] SAMP; static ArrayDeque<Admission> ADM; static BiConsumer<Admission, Throwable> ON; static int NEXT;
  static Object sink;
  static Admission op() {
    Admission done = ADM.poll();
    done.close();
    C.submit(REQS[SAMP[NEXT++ & ((1 << 20) - 1)]]).whenComplete(ON);
    return done;
  }
  public static void run(int n) { for (int i = 0; i < n; i++) sink = op(); }
  /** limit bands flows submitters shards fairness */
  public static void setup(String[] a) {
    int limit = Integer.parseInt(a[0]), bands = Integer.parseInt(a[1]), flows = Integer.parseInt(a[2]);
    int submitters = Integer.parseInt(a[3]), shards = Integer.parseInt(a[4]);
    String fair = a[5];
    List<BandConfig> bc = new ArrayList<>();
    for (int p = 0; p < bands; p++) bc.add(BandConfig.builder(p).maxRequests(0).maxBytes(0).fairness(FairnessPolicy.named(fair)).build());
    C = FlowController.create(FlowControllerConfig.builder().bands(bc).shards(shards)
        .saturationDetector(new Slots(limit)).scheduler((task, d) -> () -> {}).build());
    REQS = new FlowRequest[flows];
    for (int i = 0; i < flows; i++) {
      long size = 100 + ((i * 2654435761L) & 0xFFFFFFFFL) % 9_000;
      REQS[i] = FlowRequest.builder(FlowKey.of("flow-" + i, i % bands)).byteSize(size).build();
    }
    int n = 1 << 20; SAMP = new int[n];
    double[] cum = new double[flows]; double sum = 0;
    for (int k = 0; k < flows; k++) { sum += 1.0 / Math.pow(k + 1, 1.1); cum[k] = sum; }
    for (int k = 0; k < flows; k++) cum[k] /= sum; cum[flows - 1] = 1.0;
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < n; i++) { int at = Arrays.binarySearch(cum, rnd.nextDouble()); SAMP[i] = Math.min(at >= 0 ? at : -at - 1, flows - 1); }
    ADM = new ArrayDeque<>();
    ArrayDeque<Admission> adm = ADM;
    ON = (ad, t) -> { if (ad != null) adm.add(ad); else throw new IllegalStateException(t); };
    for (int i = 0; i < submitters; i++) C.submit(REQS[SAMP[NEXT++ & (n - 1)]]).whenComplete(ON);
  }
}
