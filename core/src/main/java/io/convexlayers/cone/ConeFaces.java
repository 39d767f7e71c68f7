// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

/**
 * Where a complementary pair (s, y) of a second-order or PSD cone block sits, for the derivative's kink
 * test: the codimension of the face of K that holds s (how many independent linear conditions on x the
 * block imposes near the solution: 0 in the interior, 1 on the second-order cone's boundary, the block's
 * dimension at its apex, q(q + 1)/2 for a PSD matrix of nullity q), and whether the pair is strictly
 * complementary. These cones are self-dual, and a complementary pair is strictly complementary exactly
 * when s + y lies in the interior of K (Alizadeh and Goldfarb, 2003, for the second-order cone; Alizadeh,
 * Haeberly and Overton, 1997, for the PSD cone): the projection onto K is differentiable at y − s there
 * and nowhere else on the pair's ray. Entries are read as {@code v[start + i·stride]} (one lane of
 * batch-minor data); {@code tol} is absolute.
 */
public final class ConeFaces {
    private ConeFaces() {
    }

    /** The codimension of the face of the second-order cone of {@code size} rows that holds s. */
    public static int socCodimension(double[] s, int start, int stride, int size, double tol) {
        double tail = tailNorm(s, start, stride, size);
        if (Math.max(Math.abs(s[start]), tail) <= tol) {
            return size; // the apex: every row of the block is pinned
        }
        return s[start] - tail <= tol ? 1 : 0;
    }

    /** Whether s + y lies in the interior of the second-order cone, by more than {@code tol}. */
    public static boolean socStrictlyComplementary(double[] s, double[] y, int start, int stride, int size,
                                                   double tol) {
        double head = s[start] + y[start];
        double sum = 0;
        for (int i = 1; i < size; i++) {
            double w = s[start + i * stride] + y[start + i * stride];
            sum += w * w;
        }
        return head - Math.sqrt(sum) > tol;
    }

    /**
     * The codimension q(q + 1)/2 of the face of the order-k PSD cone that holds S (svec coordinates), q the
     * number of its eigenvalues at most {@code tol}.
     */
    public static int psdCodimension(double[] s, int start, int stride, int k, double tol) {
        double[] values = eigenvalues(s, null, start, stride, k);
        int q = 0;
        while (q < k && values[q] <= tol) {
            q++;
        }
        return q * (q + 1) / 2;
    }

    /** Whether the smallest eigenvalue of S + Y (svec coordinates, order k) exceeds {@code tol}. */
    public static boolean psdStrictlyComplementary(double[] s, double[] y, int start, int stride, int k,
                                                   double tol) {
        return eigenvalues(s, y, start, stride, k)[0] > tol;
    }

    /** The eigenvalues, ascending, of S (of S + Y where y is not null). */
    private static double[] eigenvalues(double[] s, double[] y, int start, int stride, int k) {
        int length = k * (k + 1) / 2;
        double[] svec = new double[length];
        for (int p = 0; p < length; p++) {
            int at = start + p * stride;
            svec[p] = y == null ? s[at] : s[at] + y[at];
        }
        double[] matrix = new double[k * k];
        SvecMatrix.unpack(svec, 0, 1, k, matrix);
        SymmetricEigen eigen = new SymmetricEigen(k);
        eigen.decompose(matrix, k);
        return java.util.Arrays.copyOf(eigen.valuesArray(), k);
    }

    private static double tailNorm(double[] v, int start, int stride, int size) {
        double sum = 0;
        for (int i = 1; i < size; i++) {
            double x = v[start + i * stride];
            sum += x * x;
        }
        return Math.sqrt(sum);
    }
}
