package io.convexlayers.diff;

/**
 * The adjoint derivative: gradients of a scalar loss with respect to the program data of every
 * instance, given the loss's gradients with respect to (x, y, s).
 *
 * @param dP   per instance, on P's upper-triangular pattern (an off-diagonal entry collects both
 *             symmetric positions); null when the program has no P
 * @param dA   per instance, on A's pattern
 * @param db   per instance, length m
 * @param dc   per instance, length n
 * @param info per-instance diagnostics
 */
public record VjpResult(double[][] dP, double[][] dA, double[][] db, double[][] dc, DerivativeInfo[] info) {
}
