// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.data;

import io.convexlayers.InvalidProblemException;

import java.util.Arrays;

/**
 * The cone K of a cone program, as a description (data only; the behaviour of each family, its
 * projections and their derivatives, lives in the cone package's blocks, made from this record). Rows of A are ordered by family (DESIGN §2): zero ({@code zero} rows), nonnegative
 * ({@code nonneg}), second-order cones (sizes {@code soc}), PSD cones (orders {@code psd}, each
 * k(k+1)/2 rows in svec form), exponential triples ({@code exp}), dual exponential triples
 * ({@code dualExp}), power cones ({@code power}: α ∈ (0,1) for the primal cone, −α for its dual;
 * three rows each).
 */
public record ConeDims(int zero, int nonneg, int[] soc, int[] psd, int exp, int dualExp, double[] power) {

    /** Validates sizes; the arrays are copied. */
    public ConeDims {
        soc = soc == null ? new int[0] : soc.clone();
        psd = psd == null ? new int[0] : psd.clone();
        power = power == null ? new double[0] : power.clone();
        if (zero < 0) {
            throw new InvalidProblemException("cones.zero", "negative count " + zero);
        }
        if (nonneg < 0) {
            throw new InvalidProblemException("cones.nonneg", "negative count " + nonneg);
        }
        for (int i = 0; i < soc.length; i++) {
            if (soc[i] < 1) {
                throw new InvalidProblemException("cones.soc[" + i + "]", "size must be >= 1, got " + soc[i]);
            }
        }
        for (int i = 0; i < psd.length; i++) {
            if (psd[i] < 1) {
                throw new InvalidProblemException("cones.psd[" + i + "]", "order must be >= 1, got " + psd[i]);
            }
        }
        if (exp < 0) {
            throw new InvalidProblemException("cones.exp", "negative count " + exp);
        }
        if (dualExp < 0) {
            throw new InvalidProblemException("cones.dualExp", "negative count " + dualExp);
        }
        for (int i = 0; i < power.length; i++) {
            double a = Math.abs(power[i]);
            if (!(a > 0 && a < 1)) {
                throw new InvalidProblemException("cones.power[" + i + "]",
                        "|alpha| must lie in (0, 1), got " + power[i]);
            }
        }
        // Rows are counted in long: every later int sum over the cones is then known not to overflow.
        long rows = (long) zero + nonneg + 3L * exp + 3L * dualExp + 3L * power.length;
        for (int size : soc) {
            rows += size;
        }
        for (int i = 0; i < psd.length; i++) {
            long svec = svecLengthLong(psd[i]);
            if (svec > Integer.MAX_VALUE) {
                throw new InvalidProblemException("cones.psd[" + i + "]", "order " + psd[i] + " needs " + svec
                        + " svec rows, more than an int array can hold (the largest order is " + MAX_PSD_ORDER + ")");
            }
            rows += svec;
        }
        if (rows > Integer.MAX_VALUE) {
            throw new InvalidProblemException("cones", "cover " + rows + " rows, more than " + Integer.MAX_VALUE);
        }
    }

    /** The largest PSD order whose svec length k(k+1)/2 fits in an {@code int}. */
    public static final int MAX_PSD_ORDER = 65_535;

    /** A builder starting from no cones at all. */
    public static Builder builder() {
        return new Builder();
    }

    /** Total number of rows: the length of s and y. */
    public int rows() {
        return zero + nonneg + Arrays.stream(soc).sum() + psdRows() + 3 * exp + 3 * dualExp
                + 3 * power.length;
    }

    /** Rows taken by the PSD cones together. */
    public int psdRows() {
        int r = 0;
        for (int k : psd) {
            r += svecLength(k);
        }
        return r;
    }

    /**
     * The number of svec entries of a symmetric matrix of order k: k(k+1)/2.
     *
     * @throws InvalidProblemException when k(k+1)/2 does not fit in an {@code int} (k &gt;
     *                                 {@link #MAX_PSD_ORDER}); k(k+1) alone overflows from k = 46 341 on
     */
    public static int svecLength(int k) {
        long svec = svecLengthLong(k);
        if (svec > Integer.MAX_VALUE) {
            throw new InvalidProblemException("cones.psd", "order " + k + " needs " + svec
                    + " svec entries, more than an int array can hold (the largest order is " + MAX_PSD_ORDER + ")");
        }
        return (int) svec;
    }

    private static long svecLengthLong(int k) {
        return (long) k * (k + 1) / 2;
    }

    /** First row of the nonnegative block. */
    public int nonnegStart() {
        return zero;
    }

    /** First row of the second-order cones. */
    public int socStart() {
        return zero + nonneg;
    }

    /** First row of the PSD cones. */
    public int psdStart() {
        return socStart() + Arrays.stream(soc).sum();
    }

    /** First row of the exponential triples. */
    public int expStart() {
        return psdStart() + psdRows();
    }

    /** First row of the dual exponential triples. */
    public int dualExpStart() {
        return expStart() + 3 * exp;
    }

    /** First row of the power-cone triples. */
    public int powerStart() {
        return dualExpStart() + 3 * dualExp;
    }

    /**
     * Whether row {@code r} belongs to the zero cone (equality rows get a smaller dual step in the
     * solver).
     */
    public boolean isZeroRow(int r) {
        return r < zero;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConeDims d && zero == d.zero && nonneg == d.nonneg && exp == d.exp
                && dualExp == d.dualExp && Arrays.equals(soc, d.soc) && Arrays.equals(psd, d.psd)
                && Arrays.equals(power, d.power);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * zero + nonneg) + Arrays.hashCode(soc)) + Arrays.hashCode(psd)
                + 7 * exp + 11 * dualExp + Arrays.hashCode(power);
    }

    @Override
    public String toString() {
        return "ConeDims[z=" + zero + ", l=" + nonneg + ", q=" + Arrays.toString(soc) + ", s="
                + Arrays.toString(psd) + ", ep=" + exp + ", ed=" + dualExp + ", p="
                + Arrays.toString(power) + "]";
    }

    /**
     * Mutable builder for {@link ConeDims}. A family's setter replaces what that family holds; the
     * {@code add} methods append to it, so that cones can be added in any order of families (each
     * family's rows still come out in the row order above, and within a family in the order added).
     */
    public static final class Builder {
        private int zero;
        private int nonneg;
        private int[] soc = new int[0];
        private int socCount;
        private int[] psd = new int[0];
        private int psdCount;
        private int exp;
        private int dualExp;
        private double[] power = new double[0];
        private int powerCount;

        private Builder() {
        }

        public Builder zero(int count) {
            this.zero = count;
            return this;
        }

        public Builder nonneg(int count) {
            this.nonneg = count;
            return this;
        }

        public Builder soc(int... sizes) {
            this.soc = sizes.clone();
            this.socCount = sizes.length;
            return this;
        }

        public Builder psd(int... orders) {
            this.psd = orders.clone();
            this.psdCount = orders.length;
            return this;
        }

        public Builder exp(int count) {
            this.exp = count;
            return this;
        }

        public Builder dualExp(int count) {
            this.dualExp = count;
            return this;
        }

        public Builder power(double... alphas) {
            this.power = alphas.clone();
            this.powerCount = alphas.length;
            return this;
        }

        /** Appends {@code rows} zero-cone rows. */
        public Builder addZero(int rows) {
            zero += rows;
            return this;
        }

        /** Appends {@code rows} nonnegative rows. */
        public Builder addNonneg(int rows) {
            nonneg += rows;
            return this;
        }

        /** Appends {@code count} second-order cones of {@code size} rows each. */
        public Builder addSoc(int count, int size) {
            soc = grow(soc, socCount + count);
            Arrays.fill(soc, socCount, socCount + count, size);
            socCount += count;
            return this;
        }

        /** Appends one PSD cone of order {@code order}. */
        public Builder addPsd(int order) {
            psd = grow(psd, psdCount + 1);
            psd[psdCount++] = order;
            return this;
        }

        /** Appends {@code count} exponential triples. */
        public Builder addExp(int count) {
            exp += count;
            return this;
        }

        /** Appends {@code count} dual exponential triples. */
        public Builder addDualExp(int count) {
            dualExp += count;
            return this;
        }

        /** Appends {@code count} power-cone triples of parameter {@code alpha} (negative: dual cone). */
        public Builder addPower(int count, double alpha) {
            if (power.length < powerCount + count) {
                power = Arrays.copyOf(power, Math.max(powerCount + count, 2 * power.length));
            }
            Arrays.fill(power, powerCount, powerCount + count, alpha);
            powerCount += count;
            return this;
        }

        /** {@code a} with room for {@code needed} entries (doubling, so appends stay linear). */
        private static int[] grow(int[] a, int needed) {
            return a.length >= needed ? a : Arrays.copyOf(a, Math.max(needed, 2 * a.length));
        }

        public ConeDims build() {
            return new ConeDims(zero, nonneg, Arrays.copyOf(soc, socCount), Arrays.copyOf(psd, psdCount), exp,
                    dualExp, Arrays.copyOf(power, powerCount));
        }
    }
}
