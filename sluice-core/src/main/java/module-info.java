/**
 * Sluice's flow controller: decides if and when each unit of work proceeds when a shared backend
 * saturates. Exports only its API packages; the engine is package-private inside them. No
 * dependencies beyond {@code java.base}.
 */
module dev.sluice.core {
  exports dev.sluice.backpressure;
  exports dev.sluice.flow;
  exports dev.sluice.flow.policy;
  exports dev.sluice.flow.queue;
  exports dev.sluice.flow.saturation;
}
