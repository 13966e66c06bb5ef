/**
 * The live dashboard on Sluice's admin ports, one page for every product: {@link
 * dev.sluice.dashboard.DashboardService} serves the page (HTML, JS and CSS from this jar) and a
 * server-sent event stream ({@link dev.sluice.dashboard.SnapshotStream}) of product-neutral {@link
 * dev.sluice.dashboard.Snapshot}s; {@link dev.sluice.dashboard.TopN} keeps what a snapshot lists
 * bounded however many tenants or connections there are, and {@link dev.sluice.dashboard.Rates}
 * turns counters into rates between snapshots.
 */
package dev.sluice.dashboard;
