// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

/**
 * Row-major 3×3 Jacobians of {@code count} consecutive triples of rows (exponential and power
 * cones) for a tile of {@code lanes} instances: entry e of triple c of lane l at
 * {@code jac[(9c + e)*lanes + l]}, written by the families' {@code jacobian} functions with stride
 * {@code lanes}. Applying them is the same loop for every triple family.
 */
final class TripleJacobians {
    private final int first;
    private final int count;
    private final int lanes;
    private final double[] jac;

    /** Storage for {@code count} triples from row {@code first}. */
    TripleJacobians(int first, int count, int lanes) {
        this.first = first;
        this.count = count;
        this.lanes = lanes;
        this.jac = new double[9 * count * lanes];
    }

    /** The cone sizes of a block of {@code count} triples: all 3. */
    static int[] coneSizes(int count) {
        int[] sizes = new int[count];
        java.util.Arrays.fill(sizes, 3);
        return sizes;
    }

    /** The array the Jacobians are written to. */
    double[] values() {
        return jac;
    }

    /** Where entry 0 of triple {@code c}, lane {@code l}, lies in {@link #values()}. */
    int base(int c, int l) {
        return 9 * c * lanes + l;
    }

    /** out = J·d (or Jᵀ·d) on every triple; {@code out} must not overlap {@code d}. */
    void apply(double[] d, int dOffset, double[] out, int outOffset, boolean transpose) {
        for (int c = 0; c < count; c++) {
            int in = dOffset + (first + 3 * c) * lanes;
            int o = outOffset + (first + 3 * c) * lanes;
            int jb = 9 * c * lanes;
            for (int i = 0; i < 3; i++) {
                for (int l = 0; l < lanes; l++) {
                    double acc = 0.0;
                    for (int j = 0; j < 3; j++) {
                        int e = transpose ? 3 * j + i : 3 * i + j;
                        acc += jac[jb + e * lanes + l] * d[in + j * lanes + l];
                    }
                    out[o + i * lanes + l] = acc;
                }
            }
        }
    }
}
