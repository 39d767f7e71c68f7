// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.InvalidProblemException;
import io.convexlayers.dsl.LinearMap;

import java.util.Arrays;
import java.util.List;

/**
 * A canonical affine expression (DESIGN §3): {@code length} rows, each an affine function of the
 * variables x whose coefficients are affine in the parameters θ, stored as a list of entries
 * (row, column, slot, value) meaning {@code value · x[column] · θ[slot]}, where column
 * {@link #CONST} stands for the constant 1 instead of a variable and slot {@link #CONST} for the
 * 1 of [θ; 1]. Duplicate coordinates add up. Immutable; every operation allocates a new tensor in
 * time linear in the number of entries it produces.
 */
final class AffineTensor {
    /** Column or slot standing for the constant 1. */
    public static final int CONST = -1;

    private final int length;
    private final int count;
    private final int[] row;
    private final int[] col;
    private final int[] slot;
    private final double[] val;

    AffineTensor(int length, int count, int[] row, int[] col, int[] slot, double[] val) {
        this.length = length;
        this.count = count;
        this.row = row;
        this.col = col;
        this.slot = slot;
        this.val = val;
    }

    /** Number of rows (entries of the expression, row-major). */
    public int length() {
        return length;
    }

    /** Number of stored entries. */
    public int count() {
        return count;
    }

    public int row(int k) {
        return row[k];
    }

    public int col(int k) {
        return col[k];
    }

    public int slot(int k) {
        return slot[k];
    }

    public double val(int k) {
        return val[k];
    }

    // ------------------------------------------------------------------ construction

    /** All-zero rows. */
    public static AffineTensor zeros(int length) {
        return new AffineTensor(length, 0, new int[0], new int[0], new int[0], new double[0]);
    }

    /** Rows i = x[first + i]. */
    public static AffineTensor variable(int firstColumn, int length) {
        Builder b = new Builder(length, length);
        for (int i = 0; i < length; i++) {
            b.add(i, firstColumn + i, CONST, 1);
        }
        return b.build();
    }

    /** Rows i = θ[first + i]. */
    public static AffineTensor parameter(int firstSlot, int length) {
        Builder b = new Builder(length, length);
        for (int i = 0; i < length; i++) {
            b.add(i, CONST, firstSlot + i, 1);
        }
        return b.build();
    }

    /** Constant rows (zeros are not stored). */
    public static AffineTensor constant(double[] values) {
        Builder b = new Builder(values.length, values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] != 0) {
                b.add(i, CONST, CONST, values[i]);
            }
        }
        return b.build();
    }

    /** {@code length} rows equal to the constant {@code value}. */
    public static AffineTensor filled(int length, double value) {
        double[] v = new double[length];
        Arrays.fill(v, value);
        return constant(v);
    }

    // ------------------------------------------------------------------ queries

    /** True when no entry refers to a variable. */
    public boolean isVariableFree() {
        for (int k = 0; k < count; k++) {
            if (col[k] != CONST) {
                return false;
            }
        }
        return true;
    }

    /** True when no entry refers to a parameter. */
    public boolean isParameterFree() {
        for (int k = 0; k < count; k++) {
            if (slot[k] != CONST) {
                return false;
            }
        }
        return true;
    }

    /** The values of a tensor with neither variables nor parameters. */
    public double[] constantValue() {
        double[] v = new double[length];
        for (int k = 0; k < count; k++) {
            if (col[k] != CONST || slot[k] != CONST) {
                throw new IllegalStateException("not a constant tensor");
            }
            v[row[k]] += val[k];
        }
        return v;
    }

    /**
     * When every row is exactly one distinct variable with coefficient 1 (and nothing else), those
     * columns in row order; otherwise {@code null}.
     */
    public int[] pureVariableColumns() {
        if (count != length) {
            return null;
        }
        int[] cols = new int[length];
        Arrays.fill(cols, -2);
        for (int k = 0; k < count; k++) {
            if (col[k] == CONST || slot[k] != CONST || val[k] != 1 || cols[row[k]] != -2) {
                return null;
            }
            cols[row[k]] = col[k];
        }
        int[] sorted = cols.clone();
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                return null;
            }
        }
        return cols;
    }

    // ------------------------------------------------------------------ linear operations

    /** this + other; a one-row operand broadcasts. */
    public AffineTensor plus(AffineTensor other) {
        AffineTensor a = this;
        AffineTensor b = other;
        int len = Math.max(a.length, b.length);
        if (a.length != len) {
            a = a.broadcast(len);
        }
        if (b.length != len) {
            b = b.broadcast(len);
        }
        return concatSameRows(len, List.of(a, b));
    }

    /** this − other; a one-row operand broadcasts. */
    public AffineTensor minus(AffineTensor other) {
        return plus(other.negate());
    }

    /** Sum of tensors with equal length. */
    public static AffineTensor sum(int length, List<AffineTensor> terms) {
        return concatSameRows(length, terms);
    }

    private static AffineTensor concatSameRows(int length, List<AffineTensor> terms) {
        long total = 0;
        for (AffineTensor t : terms) {
            if (t.length != length) {
                throw new IllegalArgumentException("length " + t.length + " != " + length);
            }
            total += t.count;
        }
        Builder b = new Builder(length, total);
        for (AffineTensor t : terms) {
            b.addAll(t, 0, 1);
        }
        return b.build();
    }

    /** Rows stacked: the rows of {@code parts[1]} follow those of {@code parts[0]}, … */
    public static AffineTensor stack(List<AffineTensor> parts) {
        int length = 0;
        long total = 0;
        for (AffineTensor t : parts) {
            length += t.length;
            total += t.count;
        }
        Builder b = new Builder(length, total);
        int off = 0;
        for (AffineTensor t : parts) {
            b.addAll(t, off, 1);
            off += t.length;
        }
        return b.build();
    }

    /** −this. */
    public AffineTensor negate() {
        return scale(-1);
    }

    /** c·this. */
    public AffineTensor scale(double c) {
        double[] v = new double[count];
        for (int k = 0; k < count; k++) {
            v[k] = c * val[k];
        }
        return new AffineTensor(length, count, row, col, slot, v);
    }

    /** Row i multiplied by c[i] (a one-entry c scales every row). */
    public AffineTensor scaleRows(double[] c) {
        if (c.length == 1) {
            return scale(c[0]);
        }
        Builder b = new Builder(length, count);
        for (int k = 0; k < count; k++) {
            double ck = c[row[k]];
            if (ck != 0) {
                b.add(row[k], col[k], slot[k], ck * val[k]);
            }
        }
        return b.build();
    }

    /** A one-row tensor repeated to {@code len} rows. */
    public AffineTensor broadcast(int len) {
        if (length == len) {
            return this;
        }
        if (length != 1) {
            throw new IllegalArgumentException("cannot broadcast " + length + " rows to " + len);
        }
        Builder b = new Builder(len, (long) count * len);
        for (int i = 0; i < len; i++) {
            for (int k = 0; k < count; k++) {
                b.add(i, col[k], slot[k], val[k]);
            }
        }
        return b.build();
    }

    /** Rows [from, from + len). */
    public AffineTensor rows(int from, int len) {
        Builder b = new Builder(len, count);
        for (int k = 0; k < count; k++) {
            int r = row[k] - from;
            if (r >= 0 && r < len) {
                b.add(r, col[k], slot[k], val[k]);
            }
        }
        return b.build();
    }

    /** The rows that involve at least one variable, renumbered consecutively. */
    public AffineTensor rowsWithVariables() {
        int[] index = new int[length];
        java.util.Arrays.fill(index, -1);
        for (int k = 0; k < count; k++) {
            if (col[k] != CONST) {
                index[row[k]] = 0;
            }
        }
        int kept = 0;
        for (int r = 0; r < length; r++) {
            if (index[r] == 0) {
                index[r] = kept++;
            }
        }
        Builder b = new Builder(kept, count);
        for (int k = 0; k < count; k++) {
            if (index[row[k]] >= 0) {
                b.add(index[row[k]], col[k], slot[k], val[k]);
            }
        }
        return b.build();
    }

    /** M·this for a constant map M with {@code M.inSize() == length}. */
    public AffineTensor map(LinearMap m) {
        if (m.inSize() != length) {
            throw new IllegalArgumentException("map takes " + m.inSize() + " rows, tensor has " + length);
        }
        long total = 0;
        for (int k = 0; k < count; k++) {
            total += m.start(row[k] + 1) - m.start(row[k]);
        }
        Builder b = new Builder(m.outSize(), total);
        for (int k = 0; k < count; k++) {
            for (int q = m.start(row[k]); q < m.start(row[k] + 1); q++) {
                b.add(m.outIndex(q), col[k], slot[k], m.coef(q) * val[k]);
            }
        }
        return b.build();
    }

    /** Σ of all rows, as one row. */
    public AffineTensor sumRows() {
        Builder b = new Builder(1, count);
        for (int k = 0; k < count; k++) {
            b.add(0, col[k], slot[k], val[k]);
        }
        return b.build();
    }

    // ------------------------------------------------------------------ products

    /** The bilinear structures of {@link #product}. */
    public enum Product {
        /** One operand has one row; it multiplies every row of the other. */
        SCALAR,
        /** Row i times row i. */
        ELEMENTWISE,
        /** Matrix product of an (m×k) and a (k×n) operand, rows row-major. */
        MATMUL,
        /** Kronecker product of a (p×q) and an (r×s) operand. */
        KRON
    }

    /**
     * A bilinear product of two canonical tensors. Each pair of entries multiplies; the pair must
     * have at most one variable column and at most one parameter slot (guaranteed for DPP
     * problems, DESIGN §3). Shapes are given as (rows, cols) of the two operands viewed as
     * matrices (for MATMUL and KRON).
     */
    public static AffineTensor product(Product kind, AffineTensor l, int lRows, int lCols, AffineTensor r, int rRows,
                                       int rCols) {
        switch (kind) {
            case SCALAR: {
                boolean leftScalar = l.length == 1;
                AffineTensor s = leftScalar ? l : r;
                AffineTensor m = leftScalar ? r : l;
                Builder b = new Builder(m.length, (long) s.count * m.count);
                for (int p = 0; p < s.count; p++) {
                    for (int q = 0; q < m.count; q++) {
                        b.addProduct(m.row[q], s, p, m, q);
                    }
                }
                return b.build();
            }
            case ELEMENTWISE: {
                Buckets lb = Buckets.byKey(l, l.length, e -> l.row[e]);
                Buckets rb = Buckets.byKey(r, r.length, e -> r.row[e]);
                long total = 0;
                for (int i = 0; i < l.length; i++) {
                    total += (long) lb.size(i) * rb.size(i);
                }
                Builder b = new Builder(l.length, total);
                for (int i = 0; i < l.length; i++) {
                    for (int p = lb.start[i]; p < lb.start[i + 1]; p++) {
                        for (int q = rb.start[i]; q < rb.start[i + 1]; q++) {
                            b.addProduct(i, l, lb.entry[p], r, rb.entry[q]);
                        }
                    }
                }
                return b.build();
            }
            case MATMUL: {
                int k = lCols;
                int n = rCols;
                // left entry (i, p) grouped by p; right entry (p, j) grouped by p
                Buckets lb = Buckets.byKey(l, k, e -> l.row[e] % k);
                Buckets rb = Buckets.byKey(r, k, e -> r.row[e] / n);
                long total = 0;
                for (int p = 0; p < k; p++) {
                    total += (long) lb.size(p) * rb.size(p);
                }
                Builder b = new Builder(lRows * n, total);
                for (int p = 0; p < k; p++) {
                    for (int a = lb.start[p]; a < lb.start[p + 1]; a++) {
                        int le = lb.entry[a];
                        int i = l.row[le] / k;
                        for (int c = rb.start[p]; c < rb.start[p + 1]; c++) {
                            int re = rb.entry[c];
                            b.addProduct(i * n + r.row[re] % n, l, le, r, re);
                        }
                    }
                }
                return b.build();
            }
            default: {
                int cols = lCols * rCols;
                Builder b = new Builder(lRows * rRows * cols, (long) l.count * r.count);
                for (int p = 0; p < l.count; p++) {
                    int i = l.row[p] / lCols;
                    int j = l.row[p] % lCols;
                    for (int q = 0; q < r.count; q++) {
                        int k = r.row[q] / rCols;
                        int m = r.row[q] % rCols;
                        b.addProduct((i * rRows + k) * cols + j * rCols + m, l, p, r, q);
                    }
                }
                return b.build();
            }
        }
    }

    /** Entry indices grouped by an integer key (counting sort). */
    private static final class Buckets {
        final int[] start;
        final int[] entry;

        private Buckets(int[] start, int[] entry) {
            this.start = start;
            this.entry = entry;
        }

        int size(int key) {
            return start[key + 1] - start[key];
        }

        static Buckets byKey(AffineTensor t, int keys, java.util.function.IntUnaryOperator key) {
            int[] start = new int[keys + 1];
            int[] k = new int[t.count];
            for (int e = 0; e < t.count; e++) {
                k[e] = key.applyAsInt(e);
                start[k[e] + 1]++;
            }
            for (int i = 0; i < keys; i++) {
                start[i + 1] += start[i];
            }
            int[] next = Arrays.copyOf(start, keys);
            int[] entry = new int[t.count];
            for (int e = 0; e < t.count; e++) {
                entry[next[k[e]]++] = e;
            }
            return new Buckets(start, entry);
        }
    }

    @Override
    public String toString() {
        return "AffineTensor[rows=" + length + ", entries=" + count + "]";
    }

    /** Accumulates entries in growable arrays. */
    static final class Builder {
        /**
         * The most coefficient entries one tensor may hold: 2²⁵ (20 bytes each, 670 MB). Products
         * of large parameter and variable matrices can ask for more than an int can count (the
         * capacity used to be clamped to Integer.MAX_VALUE and then allocated); they get a typed
         * error instead.
         */
        static final int MAX_ENTRIES = 1 << 25;

        private final int length;
        private int[] row;
        private int[] col;
        private int[] slot;
        private double[] val;
        private int count;

        Builder(int length, long capacity) {
            this.length = length;
            requireWithinLimit(capacity);
            int cap = (int) Math.max(4, capacity);
            row = new int[cap];
            col = new int[cap];
            slot = new int[cap];
            val = new double[cap];
        }

        private static void requireWithinLimit(long entries) {
            if (entries > MAX_ENTRIES) {
                throw new InvalidProblemException("canonicalization", "an expression needs " + entries
                        + " coefficient entries, more than the limit of " + MAX_ENTRIES
                        + " (products of large parameter and variable matrices)");
            }
        }

        private void grow() {
            requireWithinLimit(row.length + 1L);
            int cap = (int) Math.min(MAX_ENTRIES, Math.max(8, 2L * row.length));
            row = Arrays.copyOf(row, cap);
            col = Arrays.copyOf(col, cap);
            slot = Arrays.copyOf(slot, cap);
            val = Arrays.copyOf(val, cap);
        }

        void add(int r, int c, int s, double v) {
            if (count == row.length) {
                grow();
            }
            row[count] = r;
            col[count] = c;
            slot[count] = s;
            val[count++] = v;
        }

        void addAll(AffineTensor t, int rowOffset, double scale) {
            for (int k = 0; k < t.count; k++) {
                add(t.row[k] + rowOffset, t.col[k], t.slot[k], scale * t.val[k]);
            }
        }

        void addProduct(int outRow, AffineTensor a, int p, AffineTensor b, int q) {
            int c1 = a.col[p];
            int c2 = b.col[q];
            int s1 = a.slot[p];
            int s2 = b.slot[q];
            if ((c1 != CONST && c2 != CONST) || (s1 != CONST && s2 != CONST)) {
                throw new IllegalStateException("product of two variable or two parameter coefficients: the problem "
                        + "is not DPP (this should have been reported before canonicalization)");
            }
            add(outRow, c1 != CONST ? c1 : c2, s1 != CONST ? s1 : s2, a.val[p] * b.val[q]);
        }

        AffineTensor build() {
            return new AffineTensor(length, count, row, col, slot, val);
        }
    }
}
