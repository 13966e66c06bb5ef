import java.lang.invoke.*;
import java.lang.management.*;
import java.net.*;
import java.nio.file.*;
import java.util.*;

/** Pair A B args...: two builds in one JVM, batches alternated, thread CPU ns/op of each. */
public class Pair {
  public static void main(String[] a) throws Throwable {
    int k = a.length - 2; // builds: all args before the last 6 are build dirs? simpler: a[0], a[1]
    String[] builds = {a[0], a[1]};
    String[] rest = Arrays.copyOfRange(a, 2, 8);
    int rounds = Integer.parseInt(a[8]);
    MethodHandle[] run = new MethodHandle[2];
    for (int i = 0; i < 2; i++) {
      URL[] urls = {Paths.get(builds[i], "classes").toUri().toURL(), Paths.get("/root/.m2/repository/org/jspecify/jspecify/1.0.0/jspecify-1.0.0.jar").toUri().toURL()};
      ClassLoader cl = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
      Class<?> d = cl.loadClass("Drive");
      d.getMethod("setup", String[].class).invoke(null, (Object) rest);
      run[i] = MethodHandles.publicLookup().findStatic(d, "run", MethodType.methodType(void.class, int.class));
    }
    for (int w = 0; w < 25; w++) for (int i = 0; i < 2; i++) run[i].invokeExact(200_000);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int batch = 5000;
    double[][] t = new double[2][rounds]; double[] ratio = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      for (int j = 0; j < 2; j++) {
        int i = (r & 1) == 0 ? j : 1 - j;
        long t0 = mx.getCurrentThreadCpuTime();
        run[i].invokeExact(batch);
        t[i][r] = (mx.getCurrentThreadCpuTime() - t0) / (double) batch;
      }
      ratio[r] = t[1][r] / t[0][r];
    }
    for (double[] x : t) Arrays.sort(x); Arrays.sort(ratio);
    System.out.printf("A p10 %.1f p50 %.1f | B p10 %.1f p50 %.1f | B/A p25 %.3f p50 %.3f p75 %.3f%n",
        t[0][rounds / 10], t[0][rounds / 2], t[1][rounds / 10], t[1][rounds / 2], ratio[rounds / 4], ratio[rounds / 2], ratio[3 * rounds / 4]);
  }
}
