package dev.sluice.backpressure;

/**
 * A change of the latch's state, queued under the controller's lock and delivered to the listeners
 * after it is released.
 *
 * @param paused {@code true} for a pause, {@code false} for a resume
 * @param signal the signal at or above its high mark (a pause), else empty
 * @param level that signal's level (a pause), else 0
 */
record Transition(boolean paused, String signal, long level) {}
