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
        DMatrixRMaj m = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m.set(i, j, 0.5 * (s[i * n + j] + s[j * n + i]));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(m)) {
            throw new io.convexlayers.ConvexLayersException("eigen-decomposition failed");
        }
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

    /** Smallest eigenvalue of the symmetric part. */
    public static double minEigenvalue(double[] s, int n) {
        return symmetricEigen(s, n).values()[0];
    }

    /** Largest eigenvalue of the symmetric part. */
    public static double maxEigenvalue(double[] s, int n) {
        double[] v = symmetricEigen(s, n).values();
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
        double[] ev = symmetricEigen(s, n).values();
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
