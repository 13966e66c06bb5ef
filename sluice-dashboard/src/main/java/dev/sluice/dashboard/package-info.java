/**
 * The generic parts of the live dashboards on Sluice's admin ports: {@link
 * dev.sluice.dashboard.SnapshotStream} pushes a JSON snapshot to every open page by server-sent
 * events, and {@link dev.sluice.dashboard.TopN} keeps what a snapshot lists bounded however many
 * tenants there are. The pages themselves (HTML, JS, CSS) are each product's resources, served from
 * its jar.
 */
package dev.sluice.dashboard;
