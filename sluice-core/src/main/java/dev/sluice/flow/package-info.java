/**
 * The flow controller's API: a {@link dev.sluice.flow.FlowController} decides if and when each
 * {@link dev.sluice.flow.FlowRequest} proceeds. Requests belong to flows ({@link
 * dev.sluice.flow.FlowKey}: an id and a priority); priority bands are served strictly, flows inside
 * a band share it by a fairness policy, and dispatch happens only while the saturation detector
 * says the backend has room. Every submitted request ends with exactly one {@link
 * dev.sluice.flow.Outcome}. The engine classes here are package-private; the public types are the
 * API.
 */
package dev.sluice.flow;
