// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

/**
 * Conversion between svec coordinates and dense symmetric matrices (DESIGN §2): svec(S) lists the lower
 * triangle of the symmetric k×k matrix S column by column with off-diagonal entries multiplied by √2,
 * so that tr(YS) = svec(Y)ᵀsvec(S). Matrices are row-major k×k arrays; svec entries may be strided (a
 * lane of batch-minor data).
 */
public final class SvecMatrix {
    private static final double SQRT2 = Math.sqrt(2.0);
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    private SvecMatrix() {
    }

    /** The svec position of diagonal entry (i, i) of an order-k matrix. */
    public static int diagonal(int i, int k) {
        return i * k - i * (i - 1) / 2;
    }

    /**
     * Unpacks the svec entries {@code v[start + p*stride]} into the lower triangle of the row-major k×k
     * matrix {@code m} (upper triangle mirrored).
     */
    public static void unpack(double[] v, int start, int stride, int k, double[] m) {
        int p = 0;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double x = v[start + p * stride];
                p++;
                if (i != j) {
                    x *= INV_SQRT2;
                }
                m[i * k + j] = x;
                m[j * k + i] = x;
            }
        }
    }

    /** Packs the lower triangle of the row-major k×k matrix {@code m} into svec entries {@code v[start + p*stride]}. */
    public static void pack(double[] m, int k, double[] v, int start, int stride) {
        int p = 0;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double x = m[i * k + j];
                v[start + p * stride] = i == j ? x : SQRT2 * x;
                p++;
            }
        }
    }
}
