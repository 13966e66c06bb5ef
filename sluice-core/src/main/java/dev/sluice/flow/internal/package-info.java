/**
 * Internal: hooks into the engine for {@code sluice-testing} (the invariant checker). Not API;
 * exported only to {@code dev.sluice.testing}, and may change in any release.
 */
package dev.sluice.flow.internal;
