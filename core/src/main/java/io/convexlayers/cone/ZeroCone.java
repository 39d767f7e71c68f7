// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;

import java.util.Arrays;

/**
 * The zero cone {0}ⁿ of equality rows and its dual, the free cone Rⁿ.
 * <pre>
 *   Π_{0}(v) = 0,   Π_{Rⁿ}(v) = v,   DΠ_{0} = 0,   DΠ_{Rⁿ} = I.
 * </pre>
 * Elementwise: the block's rows of all lanes are the contiguous range
 * {@code [offset + start*lanes, offset + end*lanes)}.
 */
final class ZeroCone extends ConeBlock {

    private ZeroCone(int start, int count, int lanes) {
        super(start, count, lanes);
    }

    /** The zero rows of {@code dims}, from row {@code start}. */
    static ZeroCone of(ConeDims dims, int start, int lanes) {
        return new ZeroCone(start, dims.zero(), lanes);
    }

    /** Sets the block's rows of every lane to zero. */
    @Override
    public void projectPrimal(double[] v, int offset) {
        Arrays.fill(v, offset + start() * lanes(), offset + end() * lanes(), 0.0);
    }

    /** The free cone: rows unchanged. */
    @Override
    public void projectDual(double[] v, int offset) {
    }

    @Override
    BlockDerivative derivative() {
        return new Derivative();
    }

    /** DΠ = 0·I for K, I for K*: one value for every row. */
    private final class Derivative extends BlockDerivative {
        private double value;

        @Override
        void linearizeAt(double[] v, int offset, boolean dual) {
            value = dual ? 1.0 : 0.0;
        }

        @Override
        void apply(double[] d, int dOffset, double[] out, int outOffset, boolean transpose) {
            // a product, not a copy or a fill: signed zeros and NaNs propagate as in any other row
            int end = end() * lanes();
            for (int i = start() * lanes(); i < end; i++) {
                out[outOffset + i] = value * d[dOffset + i];
            }
        }

        @Override
        double diagonal(int row, int lane) {
            return value;
        }
    }
}
