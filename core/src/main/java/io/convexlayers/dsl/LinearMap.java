// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.Arrays;

/**
 * A constant sparse linear map y = M·x from {@code inSize} to {@code outSize} entries, stored by
 * input entry (compressed sparse column form of M): input entry {@code i} contributes
 * {@code coef(k)·x[i]} to {@code y[outIndex(k)]} for k in {@code [start(i), start(i + 1))}.
 * Describes the structural affine operations (sum, index, slice, transpose, stack, diag, trace,
 * reshape) on row-major flattened entries; canonicalization applies it to the rows
 * of an affine tensor in time linear in the number of entries. Immutable.
 */
public final class LinearMap {
    private final int outSize;
    private final int inSize;
    private final int[] start;
    private final int[] outIndex;
    private final double[] coef;

    private LinearMap(int outSize, int inSize, int[] start, int[] outIndex, double[] coef) {
        this.outSize = outSize;
        this.inSize = inSize;
        this.start = start;
        this.outIndex = outIndex;
        this.coef = coef;
    }

    /** A builder of M from (out, in, coefficient) triplets in any order. */
    public static Builder builder(int outSize, int inSize) {
        return new Builder(outSize, inSize);
    }

    /** The identity on {@code size} entries. */
    public static LinearMap identity(int size) {
        Builder b = builder(size, size);
        for (int i = 0; i < size; i++) {
            b.add(i, i, 1);
        }
        return b.build();
    }

    /** y[k] = x[index[k]]: a gather (index, slice, row, column, diagonal extraction, transpose). */
    public static LinearMap gather(int[] index, int inSize) {
        Builder b = builder(index.length, inSize);
        for (int k = 0; k < index.length; k++) {
            b.add(k, index[k], 1);
        }
        return b.build();
    }

    public int outSize() {
        return outSize;
    }

    public int inSize() {
        return inSize;
    }

    /** First position of input entry {@code i}; {@code start(inSize)} is the number of entries. */
    public int start(int i) {
        return start[i];
    }

    public int outIndex(int k) {
        return outIndex[k];
    }

    public double coef(int k) {
        return coef[k];
    }

    /** Number of stored entries of M. */
    public int nnz() {
        return start[inSize];
    }

    /** True when every coefficient is ≥ 0 (the map then preserves convexity and signs). */
    public boolean isNonnegative() {
        for (double c : coef) {
            if (c < 0) {
                return false;
            }
        }
        return true;
    }

    /** M·x. */
    public double[] apply(double[] x) {
        double[] y = new double[outSize];
        for (int i = 0; i < inSize; i++) {
            double xi = x[i];
            if (xi == 0) {
                continue;
            }
            for (int k = start[i]; k < start[i + 1]; k++) {
                y[outIndex[k]] += coef[k] * xi;
            }
        }
        return y;
    }

    /** Mᵀ·y. */
    public double[] applyTranspose(double[] y) {
        double[] x = new double[inSize];
        for (int i = 0; i < inSize; i++) {
            double acc = 0;
            for (int k = start[i]; k < start[i + 1]; k++) {
                acc += coef[k] * y[outIndex[k]];
            }
            x[i] = acc;
        }
        return x;
    }

    /** Collects triplets, then sorts them by input entry once (counting sort). */
    public static final class Builder {
        private final int outSize;
        private final int inSize;
        private int[] out = new int[16];
        private int[] in = new int[16];
        private double[] val = new double[16];
        private int count;

        private Builder(int outSize, int inSize) {
            this.outSize = outSize;
            this.inSize = inSize;
        }

        /** Adds {@code c} at (out, in); duplicates are kept and act as a sum. */
        public Builder add(int o, int i, double c) {
            if (o < 0 || o >= outSize || i < 0 || i >= inSize) {
                throw new IndexOutOfBoundsException("entry (" + o + ", " + i + ") outside " + outSize + "x" + inSize);
            }
            if (count == out.length) {
                int cap = 2 * count;
                out = Arrays.copyOf(out, cap);
                in = Arrays.copyOf(in, cap);
                val = Arrays.copyOf(val, cap);
            }
            out[count] = o;
            in[count] = i;
            val[count++] = c;
            return this;
        }

        public LinearMap build() {
            int[] start = new int[inSize + 1];
            for (int k = 0; k < count; k++) {
                start[in[k] + 1]++;
            }
            for (int i = 0; i < inSize; i++) {
                start[i + 1] += start[i];
            }
            int[] next = Arrays.copyOf(start, inSize);
            int[] o = new int[count];
            double[] c = new double[count];
            for (int k = 0; k < count; k++) {
                int p = next[in[k]]++;
                o[p] = out[k];
                c[p] = val[k];
            }
            return new LinearMap(outSize, inSize, start, o, c);
        }
    }
}
