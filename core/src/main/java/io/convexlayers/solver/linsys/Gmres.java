// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/**
 * One cycle of GMRES with right preconditioning, for improving an approximate solution of a linear
 * system whose preconditioner is a factorization of a nearby matrix: the correction d minimizes
 * ‖b − A·d‖₂ over d ∈ M⁻¹·span{b, (AM⁻¹)b, …} (Saad's GMRES, modified Gram–Schmidt, Givens rotations).
 * Where plain iterative refinement with M stalls — an error component on which M⁻¹A is near zero
 * (a static regularization larger than the matrix's smallest eigenvalues there) contracts by
 * 1 − λ(M⁻¹A) per step — a Krylov space of a few vectors removes those few components at once.
 * <p>
 * The workspace (dimension + 1 vectors of the system's length, and as many preconditioned ones) is
 * allocated once; one instance serves one thread.
 */
public final class Gmres {
    /** A linear map {@code out = F(in)} over vectors of the system's length. */
    @FunctionalInterface
    public interface Map {
        /** Writes F(in) into out (both of the system's length; they never alias). */
        void apply(double[] in, double[] out);
    }

    private final int length;
    private final int dimension;
    private final double[][] basis;
    private final double[][] directions;
    private final double[][] hessenberg;
    private final double[] cosines;
    private final double[] sines;
    private final double[] rhs;
    private final double[] coefficients;

    /**
     * @param length    the system's order
     * @param dimension the largest Krylov space (the most products with A and M⁻¹ one solve takes)
     */
    public Gmres(int length, int dimension) {
        if (length < 0 || dimension < 1) {
            throw new IllegalArgumentException("needs length >= 0 and dimension >= 1, got " + length + ", " + dimension);
        }
        this.length = length;
        this.dimension = dimension;
        basis = new double[dimension + 1][length];
        directions = new double[dimension][length];
        hessenberg = new double[dimension + 1][dimension];
        cosines = new double[dimension];
        sines = new double[dimension];
        rhs = new double[dimension + 1];
        coefficients = new double[dimension];
    }

    /**
     * Writes into {@code d} the correction for residual {@code b} (d ≈ A⁻¹b), stopping once the
     * residual's 2-norm estimate falls to {@code reduction}·‖b‖₂ or the space reaches its dimension.
     *
     * @return the estimated ‖b − A·d‖₂/‖b‖₂ (0 for b = 0, where d is 0)
     */
    public double solve(Map a, Map preconditioner, double[] b, double reduction, double[] d) {
        java.util.Arrays.fill(d, 0, length, 0.0);
        double beta = norm(b);
        if (!(beta > 0) || !Double.isFinite(beta)) {
            return 0;
        }
        double[] v0 = basis[0];
        for (int t = 0; t < length; t++) {
            v0[t] = b[t] / beta;
        }
        java.util.Arrays.fill(rhs, 0.0);
        rhs[0] = beta;
        int used = 0;
        for (int j = 0; j < dimension; j++) {
            preconditioner.apply(basis[j], directions[j]);
            double[] w = basis[j + 1];
            a.apply(directions[j], w);
            for (int i = 0; i <= j; i++) {
                double h = dot(w, basis[i]);
                hessenberg[i][j] = h;
                double[] vi = basis[i];
                for (int t = 0; t < length; t++) {
                    w[t] -= h * vi[t];
                }
            }
            double next = norm(w);
            hessenberg[j + 1][j] = next;
            if (next > 0) {
                for (int t = 0; t < length; t++) {
                    w[t] /= next;
                }
            }
            for (int i = 0; i < j; i++) {
                double p = hessenberg[i][j];
                double q = hessenberg[i + 1][j];
                hessenberg[i][j] = cosines[i] * p + sines[i] * q;
                hessenberg[i + 1][j] = -sines[i] * p + cosines[i] * q;
            }
            double p = hessenberg[j][j];
            double q = hessenberg[j + 1][j];
            double r = Math.hypot(p, q);
            cosines[j] = r == 0 ? 1 : p / r;
            sines[j] = r == 0 ? 0 : q / r;
            hessenberg[j][j] = r;
            hessenberg[j + 1][j] = 0;
            rhs[j + 1] = -sines[j] * rhs[j];
            rhs[j] = cosines[j] * rhs[j];
            used = j + 1;
            if (!(Math.abs(rhs[j + 1]) > reduction * beta) || !(next > 0)) {
                break;
            }
        }
        for (int i = used - 1; i >= 0; i--) {
            double acc = rhs[i];
            for (int k = i + 1; k < used; k++) {
                acc -= hessenberg[i][k] * coefficients[k];
            }
            coefficients[i] = hessenberg[i][i] == 0 ? 0 : acc / hessenberg[i][i];
        }
        for (int i = 0; i < used; i++) {
            double y = coefficients[i];
            double[] zi = directions[i];
            for (int t = 0; t < length; t++) {
                d[t] += y * zi[t];
            }
        }
        return Math.abs(rhs[used]) / beta;
    }

    private double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }

    private double dot(double[] u, double[] v) {
        double acc = 0;
        for (int t = 0; t < length; t++) {
            acc += u[t] * v[t];
        }
        return acc;
    }
}
