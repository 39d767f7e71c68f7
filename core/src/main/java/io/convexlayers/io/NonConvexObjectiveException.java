// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

/**
 * A QPS file whose quadratic objective is not convex: Q is not positive semidefinite (for a
 * minimization; not negative semidefinite for a maximization). A convex solver cannot answer such
 * a problem, so it is refused as malformed input rather than left to end as "failed".
 *
 * <p>The proof is a direction x of the file's variables along which the minimized objective
 * curves downwards: {@link #certificate()} is x and {@link #curvature()} is xᵀPx / xᵀx &lt; 0 for
 * the minimized quadratic form P (Q, or −Q for a maximization), an upper bound on P's most
 * negative eigenvalue. The message names the variables x involves.
 */
public class NonConvexObjectiveException extends ProblemFormatException {
    private final double[] certificate;
    private final double curvature;

    /**
     * @param file        the file name
     * @param line        the line of the QUADOBJ or QMATRIX section header
     * @param expected    what a convex objective needs, e.g. "Q positive semidefinite"
     * @param found       the evidence, naming the variables of the certificate
     * @param certificate x, one entry per variable of the file
     * @param curvature   xᵀPx / xᵀx, negative
     */
    public NonConvexObjectiveException(String file, int line, String expected, String found, double[] certificate,
                                       double curvature) {
        super(file, line, expected, found);
        this.certificate = certificate.clone();
        this.curvature = curvature;
    }

    /** The direction x of negative curvature, one entry per variable of the file. */
    public double[] certificate() {
        return certificate.clone();
    }

    /** xᵀPx / xᵀx &lt; 0 for the minimized quadratic form P: an upper bound on its smallest eigenvalue. */
    public double curvature() {
        return curvature;
    }
}
