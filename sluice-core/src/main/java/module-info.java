/**
 * Sluice's flow control primitives: the flow controller (decides if and when each unit of work
 * proceeds when a shared backend saturates), byte credit for multiplexed transports, and watermark
 * backpressure. Exports only its API packages; the engines are package-private inside them. No
 * dependencies beyond {@code java.base} at run time; JSpecify's {@code @Nullable} is needed only to
 * compile.
 */
// "module": dev.sluice.testing, the one module the internal hooks are exported to, is built
// after this one, so javac cannot find it here.
@SuppressWarnings("module")
module dev.sluice.core {
  // Compile time only (static); transitive because @Nullable is part of the exported API, so a
  // module reading this one reads the annotations too (javac's exports lint asks for it).
  requires static transitive org.jspecify;

  exports dev.sluice.backpressure;
  exports dev.sluice.credit;
  exports dev.sluice.flow;
  exports dev.sluice.flow.policy;
  exports dev.sluice.flow.queue;
  exports dev.sluice.flow.saturation;
  // The engine's test hooks: for sluice-testing's invariant checker only.
  exports dev.sluice.flow.internal to
      dev.sluice.testing;
}
