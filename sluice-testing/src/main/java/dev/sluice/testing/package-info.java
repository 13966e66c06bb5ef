/**
 * Test fixtures for code built on Sluice's flow controller: {@link dev.sluice.testing.ManualClock},
 * the time of a test, and {@link dev.sluice.testing.ControllerInvariants}, which checks a
 * controller's internal bookkeeping, run after every test by {@link
 * dev.sluice.testing.FlowControllerExtension}. Use this module in test scope.
 */
package dev.sluice.testing;
