/** The model-server simulator's command line ({@code serve} and {@code load}). */
package dev.sluice.sim;
