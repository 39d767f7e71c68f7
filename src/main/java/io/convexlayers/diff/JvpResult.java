package io.convexlayers.diff;

/**
 * The forward derivative (dx, dy, ds) of every instance's solution for one data perturbation.
 *
 * @param dx   per instance, length n (zeros for instances without a solution)
 * @param dy   per instance, length m
 * @param ds   per instance, length m
 * @param info per-instance diagnostics
 */
public record JvpResult(double[][] dx, double[][] dy, double[][] ds, DerivativeInfo[] info) {
}
