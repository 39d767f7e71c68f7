// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Small dense numeric helpers (EJML) used by the analysis, the atoms' numeric values and the
 * canonicalization: eigenvalues of symmetric matrices, singular values. Matrices are row-major
 * {@code double[]}. Not part of the modeling API proper.
 */
public final class Numerics {
    private Numerics() {
    }

    /** Eigen-decomposition of the symmetric part of an n×n row-major matrix. */
    public record SymmetricEigen(double[] values, double[][] vectors) {
    }

    /** Eigenvalues (ascending) and unit eigenvectors of (S + Sᵀ)/2. */
    public static SymmetricEigen symmetricEigen(double[] s, int n) {
        EigenDecomposition_F64<DMatrixRMaj> eig = decomposeSymmetricPart(s, n, true);
        Integer[] order = new Integer[n];
        double[] vals = new double[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
            vals[k] = eig.getEigenvalue(k).getReal();
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(vals[a], vals[b]));
        double[] sorted = new double[n];
        double[][] vecs = new double[n][];
        for (int k = 0; k < n; k++) {
            sorted[k] = vals[order[k]];
            DMatrixRMaj v = eig.getEigenVector(order[k]);
            vecs[k] = new double[n];
            double norm = 0;
            for (int i = 0; i < n; i++) {
                vecs[k][i] = v.get(i, 0);
                norm += vecs[k][i] * vecs[k][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                vecs[k][i] /= norm;
            }
        }
        return new SymmetricEigen(sorted, vecs);
    }

    /** Eigenvalues (ascending) of (S + Sᵀ)/2, without the eigenvectors (about half the work). */
    public static double[] symmetricEigenvalues(double[] s, int n) {
        EigenDecomposition_F64<DMatrixRMaj> eig = decomposeSymmetricPart(s, n, false);
        double[] vals = new double[n];
        for (int k = 0; k < n; k++) {
            vals[k] = eig.getEigenvalue(k).getReal();
        }
        java.util.Arrays.sort(vals);
        return vals;
    }

    /** EJML's symmetric eigendecomposition of (S + Sᵀ)/2, with or without the eigenvectors. */
    private static EigenDecomposition_F64<DMatrixRMaj> decomposeSymmetricPart(double[] s, int n, boolean vectors) {
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m.set(i, j, 0.5 * (s[i * n + j] + s[j * n + i]));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, vectors, true);
        if (!eig.decompose(m)) {
            throw new io.convexlayers.ConvexLayersException("eigen-decomposition failed");
        }
        return eig;
    }

    /** Smallest eigenvalue of the symmetric part. */
    public static double minEigenvalue(double[] s, int n) {
        return symmetricEigenvalues(s, n)[0];
    }

    /**
     * The smallest eigenvalue of the symmetric part of S when it is below −{@code tolerance}; NaN when
     * it is not (S is positive semidefinite within the tolerance). Tried first by
     * {@link #choleskyAfterShift} with half the tolerance, so that the eigenvalues are computed only
     * for matrices that may fail: checking every instance's PSD parameter costs a Cholesky each.
     */
    public static double minEigenvalueBelow(double[] s, int n, double tolerance) {
        if (choleskyAfterShift(s, n, 0.5 * tolerance)) {
            return Double.NaN;
        }
        double min = minEigenvalue(s, n);
        return min < -tolerance ? min : Double.NaN;
    }

    /** A PSD value may have eigenvalues down to −this·max(1, max|entry|) (rounding in the caller's data). */
    public static final double PSD_TOLERANCE = 1e-9;

    /**
     * The smallest eigenvalue of the symmetric part of S when it is below the PSD tolerance,
     * −{@link #PSD_TOLERANCE}·max(1, max|S|); NaN when S passes (see {@link #minEigenvalueBelow}). The one
     * test of every PSD-declared value and every PSD parameter of a quadratic objective.
     */
    public static double psdViolation(double[] s, int n) {
        return minEigenvalueBelow(s, n, PSD_TOLERANCE * Math.max(1, maxAbs(s)));
    }

    /**
     * Whether the symmetric part of S plus {@code shift}·I has a Cholesky factorization (every pivot
     * positive): then λ_min(S) ≥ −shift, up to the factorization's backward error (about n²·u·‖S‖).
     * A test of positive semidefiniteness for n³/6 multiply-adds, where an eigenvalue costs ~10 n³;
     * a false answer says nothing (the caller computes the eigenvalue).
     */
    public static boolean choleskyAfterShift(double[] s, int n, double shift) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = s[j * n + j] + shift;
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            if (!(d > 0)) {
                return false; // also NaN
            }
            double root = Math.sqrt(d);
            l[j * n + j] = root;
            for (int i = j + 1; i < n; i++) {
                double v = 0.5 * (s[i * n + j] + s[j * n + i]);
                for (int k = 0; k < j; k++) {
                    v -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = v / root;
            }
        }
        return true;
    }

    /** Largest eigenvalue of the symmetric part. */
    public static double maxEigenvalue(double[] s, int n) {
        double[] v = symmetricEigenvalues(s, n);
        return v[n - 1];
    }

    /** Singular values (descending) of an m×n row-major matrix. */
    public static double[] singularValues(double[] a, int m, int n) {
        DMatrixRMaj mat = new DMatrixRMaj(m, n, true, a);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, n, false, false, true);
        if (!svd.decompose(mat)) {
            throw new io.convexlayers.ConvexLayersException("singular value decomposition failed");
        }
        double[] s = svd.getSingularValues().clone();
        int k = svd.numberOfSingularValues();
        double[] out = java.util.Arrays.copyOf(s, k);
        java.util.Arrays.sort(out);
        for (int i = 0; i < k / 2; i++) {
            double t = out[i];
            out[i] = out[k - 1 - i];
            out[k - 1 - i] = t;
        }
        return out;
    }

    /** The largest absolute entry. */
    public static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** Classifies a symmetric matrix: +1 PSD, −1 NSD, 0 indefinite (zero counts as PSD). */
    public static int semidefiniteness(double[] s, int n) {
        double[] ev = symmetricEigenvalues(s, n);
        double tol = 1e-10 * Math.max(1, maxAbs(s));
        if (ev[0] >= -tol) {
            return 1;
        }
        if (ev[n - 1] <= tol) {
            return -1;
        }
        return 0;
    }

}
