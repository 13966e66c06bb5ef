/**
 * Internal: helpers shared by the core's packages (argument checks). Not API; not exported from
 * {@code dev.sluice.core}, and may change in any release.
 */
package dev.sluice.internal;
