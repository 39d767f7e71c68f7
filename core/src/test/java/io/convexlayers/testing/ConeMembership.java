// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import io.convexlayers.data.ConeDims;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Membership tests for the cones of {@link ConeDims}, written independently of the projection
 * code (closed-form inequalities in logarithmic form, EJML for PSD eigenvalues), for tests.
 * <p>
 * A block p is accepted with tolerance τ when p + τ·d lies in the cone exactly, for a fixed
 * interior direction d of the cone (e.g. (−1, 1, 1) for K_exp and K_exp*, (1, 1, 0) for power
 * cones, the identity for PSD): every point within distance ~τ of the cone in that direction
 * passes, every point farther than ~τ·‖d‖ from it fails. τ = relTol·‖reference block‖₂ (plus the
 * smallest normal number), so each block is judged at its own scale.
 */
public final class ConeMembership {
    private static final double SQRT2 = Math.sqrt(2.0);

    private ConeMembership() {
    }

    /**
     * Null when {@code p} (single instance, dims.rows() entries) lies in K (dual = false) or K*
     * (dual = true) up to the tolerance; otherwise a description of the first violated block.
     */
    public static String violation(ConeDims dims, double[] p, boolean dual, double relTol, double[] reference) {
        int row = 0;
        for (int i = 0; i < dims.zero(); i++, row++) {
            double tol = tol(reference, row, 1, relTol);
            if (!dual && Math.abs(p[row]) > tol) {
                return "zero row " + row + " = " + p[row];
            }
        }
        for (int i = 0; i < dims.nonneg(); i++, row++) {
            if (p[row] < -tol(reference, row, 1, relTol)) {
                return "nonneg row " + row + " = " + p[row];
            }
        }
        for (int q : dims.soc()) {
            double tol = tol(reference, row, q, relTol);
            double sq = 0;
            for (int i = 1; i < q; i++) {
                sq += p[row + i] * p[row + i];
            }
            if (Math.sqrt(sq) > p[row] + tol) {
                return "soc at row " + row + ": ||x|| = " + Math.sqrt(sq) + " > t = " + p[row];
            }
            row += q;
        }
        for (int k : dims.psd()) {
            int len = ConeDims.svecLength(k);
            double tol = tol(reference, row, len, relTol);
            double lmin = minEigenvalue(p, row, k);
            if (lmin < -tol) {
                return "psd at row " + row + ": min eigenvalue " + lmin;
            }
            row += len;
        }
        for (int i = 0; i < dims.exp(); i++, row += 3) {
            double tol = tol(reference, row, 3, relTol);
            boolean ok = dual ? inExpDual(p[row], p[row + 1], p[row + 2], tol)
                    : inExp(p[row], p[row + 1], p[row + 2], tol);
            if (!ok) {
                return (dual ? "exp* " : "exp ") + "at row " + row + ": " + triple(p, row);
            }
        }
        for (int i = 0; i < dims.dualExp(); i++, row += 3) {
            double tol = tol(reference, row, 3, relTol);
            boolean ok = dual ? inExp(p[row], p[row + 1], p[row + 2], tol)
                    : inExpDual(p[row], p[row + 1], p[row + 2], tol);
            if (!ok) {
                return (dual ? "exp " : "exp* ") + "at row " + row + ": " + triple(p, row);
            }
        }
        for (double a : dims.power()) {
            double tol = tol(reference, row, 3, relTol);
            boolean primalCone = (a > 0) != dual;
            double alpha = Math.abs(a);
            boolean ok = primalCone ? inPower(p[row], p[row + 1], p[row + 2], alpha, tol)
                    : inPowerDual(p[row], p[row + 1], p[row + 2], alpha, tol);
            if (!ok) {
                return "power(" + a + ")" + (dual ? "*" : "") + " at row " + row + ": " + triple(p, row);
            }
            row += 3;
        }
        return null;
    }

    private static String triple(double[] p, int row) {
        return "(" + p[row] + ", " + p[row + 1] + ", " + p[row + 2] + ")";
    }

    private static double tol(double[] reference, int row, int len, double relTol) {
        double sq = 0;
        for (int i = row; i < row + len; i++) {
            sq += reference[i] * reference[i];
        }
        return relTol * Math.sqrt(sq) + Double.MIN_NORMAL;
    }

    /** (x − τ, y + τ, z + τ) ∈ K_exp, tested as x' ≤ y'·log(z'/y') (no overflow). */
    public static boolean inExp(double x, double y, double z, double tol) {
        double xs = x - tol;
        double ys = y + tol;
        double zs = z + tol;
        if (ys < 0 || zs < 0) {
            return false;
        }
        if (ys == 0) {
            return xs <= 0;
        }
        if (zs == 0) {
            return false;
        }
        return xs <= ys * (Math.log(zs) - Math.log(ys));
    }

    /** (u − τ, v + τ, w + τ) ∈ K_exp*, tested as log(−u') + v'/u' ≤ 1 + log(w'). */
    public static boolean inExpDual(double u, double v, double w, double tol) {
        double us = u - tol;
        double vs = v + tol;
        double ws = w + tol;
        if (us > 0 || ws < 0) {
            return false;
        }
        if (us == 0) {
            return vs >= 0;
        }
        if (ws == 0) {
            return false;
        }
        return Math.log(-us) + vs / us <= 1.0 + Math.log(ws);
    }

    /** (x + τ, y + τ, z) ∈ K_α: α log x' + (1 − α) log y' ≥ log |z|. */
    public static boolean inPower(double x, double y, double z, double alpha, double tol) {
        double xs = x + tol;
        double ys = y + tol;
        if (xs < 0 || ys < 0) {
            return false;
        }
        if (z == 0) {
            return true;
        }
        if (xs == 0 || ys == 0) {
            return false;
        }
        return alpha * Math.log(xs) + (1 - alpha) * Math.log(ys) >= Math.log(Math.abs(z));
    }

    /** (u + τ, v + τ, w) ∈ K_α*: (u'/α)^α (v'/(1−α))^{1−α} ≥ |w|. */
    public static boolean inPowerDual(double u, double v, double w, double alpha, double tol) {
        return inPower((u + tol) / alpha, (v + tol) / (1 - alpha), w, alpha, 0.0);
    }

    /** Smallest eigenvalue of smat(p[row .. row + k(k+1)/2)), computed with EJML. */
    public static double minEigenvalue(double[] p, int row, int k) {
        double[] ev = eigenvalues(p, row, k);
        double m = Double.POSITIVE_INFINITY;
        for (double x : ev) {
            m = Math.min(m, x);
        }
        return m;
    }

    /** Eigenvalues (unsorted) of smat(p[row ..)), computed with EJML. */
    public static double[] eigenvalues(double[] p, int row, int k) {
        DMatrixRMaj m = smat(p, row, k);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, false, true);
        if (!eig.decompose(m)) {
            throw new IllegalStateException("EJML eigendecomposition failed");
        }
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            out[i] = eig.getEigenvalue(i).real;
        }
        return out;
    }

    /** The symmetric matrix whose svec is p[row ..): lower triangle column-major, off-diagonals √2. */
    public static DMatrixRMaj smat(double[] p, int row, int k) {
        DMatrixRMaj m = new DMatrixRMaj(k, k);
        int idx = row;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double x = p[idx++];
                if (i != j) {
                    x /= SQRT2;
                }
                m.set(i, j, x);
                m.set(j, i, x);
            }
        }
        return m;
    }
}
