// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.DoubleVector.fromArray;

/**
 * {@link Lanes8Kernels} on the JDK's incubating Vector API: the eight lanes of a tile entry in one
 * 512-bit register, or in two 256-bit ones (AVX2 processors), whichever the processor's widest
 * vectors hold. With 256-bit vectors every kernel runs twice, over lanes 0–3 and then 4–7 (the loop
 * over {@code half}); a lane's operations, and their order, do not depend on the width. Each vector
 * operation is one of the scalar loop's operations applied to several lanes at once (multiply, then
 * add: never fused), so results are bit for bit the scalar ones at either width. Loaded only through
 * {@link LaneSimd}, by name, when the JVM has the module; the species is a constant so that the JIT
 * compiles every operation to one instruction.
 */
public final class VectorLanes8Kernels implements Lanes8Kernels {
    /**
     * Names the vector width in bits ({@code 256} or {@code 512}) instead of the processor's widest: for
     * tests of both widths on one machine and for measurements; where the processor's vectors are
     * narrower the kernels refuse (the API would emulate them).
     */
    public static final String WIDTH_PROPERTY = "convexlayers.simd.bits";
    /** The width {@link #WIDTH_PROPERTY} names, or null: read once, like the species. */
    private static final String NAMED_WIDTH = System.getProperty(WIDTH_PROPERTY);
    private static final VectorSpecies<Double> S = "512".equals(widthName()) ? DoubleVector.SPECIES_512
            : DoubleVector.SPECIES_256;
    /** Lanes per vector: 8 or 4; the kernels step through a tile entry's eight lanes by this. */
    private static final int W = S.length();

    /**
     * @throws IllegalStateException where {@link #WIDTH_PROPERTY} names neither width, or the
     *                               processor's vectors are narrower than the species (the API would
     *                               emulate them, far slower than scalar code)
     */
    public VectorLanes8Kernels() {
        if (NAMED_WIDTH != null && !NAMED_WIDTH.trim().equals("256") && !NAMED_WIDTH.trim().equals("512")) {
            throw new IllegalStateException("-D" + WIDTH_PROPERTY + " must be 256 or 512, not " + NAMED_WIDTH);
        }
        int bits = DoubleVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits < S.vectorBitSize()) {
            throw new IllegalStateException("the processor's vectors are " + bits + "-bit, SIMD needs "
                    + (NAMED_WIDTH == null ? "256 or 512" : S.vectorBitSize() + " (-D" + WIDTH_PROPERTY + ")"));
        }
    }

    @Override
    public int vectorBits() {
        return S.vectorBitSize();
    }

    /** "512" or "256": the named width, else the widest the processor has (256 below that: refused). */
    private static String widthName() {
        if (NAMED_WIDTH != null) {
            return NAMED_WIDTH.trim();
        }
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 512 ? "512" : "256";
    }

    /*
     * Every load is DoubleVector.fromArray itself, never a helper around it, and no helper takes or returns
     * a vector unless it is small enough to be always inlined into the kernel compiled alone: the JIT
     * inlines the API's own methods whatever the size of the method they land in, but stops inlining
     * ours once that method is large (C2's node-count cutoff, reached where a short kernel is inlined into
     * a long caller such as the interior point's step). A vector that crosses a call not inlined is boxed:
     * an array and an object per load. The helper `at(a, i)` did that in the step's update of the
     * iterates (2.3 GB of boxes per 12 s of solving small QPs) and maxAbs, inlined into the active KKT
     * refinement, made the LP backward pass 3.5× slower.
     *
     * One vector shape per JVM: every kernel runs on S. A second DoubleVector species beside it (256-bit
     * products for the four-lane tiles that lane compaction leaves, beside the 512-bit eight-lane ones)
     * shares the API's internal call sites, whose type profiles then see two classes, and C2 boxes the
     * vectors of both: in a scratch loop (JDK 17.0.15) an eight-lane product went from 0 to 28 800 bytes
     * and from 358 to 4 600 ns a call once a four-lane one ran beside it. So narrowed tiles keep their
     * scalar loops.
     *
     * Equilibration's ∞-norms keep |v|'s bits as integers: v.viewAsIntegralLanes().and(Long.MAX_VALUE).
     * Without a sign bit, IEEE 754's order of doubles is the order of their bits as integers (a NaN's above
     * infinity's), so a running maximum of magnitudes is one integer max per vector instead of the
     * sequence Java's floating-point max needs for its NaN and signed-zero rules: half the time of the
     * sweeps, with the same bits.
     */

    /** Factors that leave the values as they are: multiplying by 1 is exact. */
    private static double[] ones(int length) {
        double[] v = new double[length];
        java.util.Arrays.fill(v, 1);
        return v;
    }

    @Override
    public void multiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values, boolean shared,
                            double[] x, int xOff, double[] out, int outOff) {
        for (int half = 0; half < 8; half += W) {
            multiplyAdd(cols, colStart, rowIndex, values, shared, x, xOff + half, out, outOff + half, half);
        }
    }

    /** {@link #multiplyAdd} for the lanes from {@code half}: offsets already moved, per-lane values from it. */
    private static void multiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values, boolean shared,
                                    double[] x, int xOff, double[] out, int outOff, int half) {
        for (int j = 0; j < cols; j++) {
            if (!shared && TileSparse.fullColumns(j, cols, colStart, rowIndex)) {
                // A row's four terms are added in column order, as column by column would add them.
                DoubleVector x0 = fromArray(S, x, xOff + j * 8);
                DoubleVector x1 = fromArray(S, x, xOff + (j + 1) * 8);
                DoubleVector x2 = fromArray(S, x, xOff + (j + 2) * 8);
                DoubleVector x3 = fromArray(S, x, xOff + (j + 3) * 8);
                int len = colStart[j + 1] - colStart[j];
                int a0 = colStart[j] * 8 + half;
                int a1 = colStart[j + 1] * 8 + half;
                int a2 = colStart[j + 2] * 8 + half;
                int a3 = colStart[j + 3] * 8 + half;
                for (int i = 0; i < len; i++) {
                    int o = outOff + i * 8;
                    int t = i * 8;
                    DoubleVector acc = fromArray(S, values, a0 + t).mul(x0).add(fromArray(S, out, o));
                    acc = fromArray(S, values, a1 + t).mul(x1).add(acc);
                    acc = fromArray(S, values, a2 + t).mul(x2).add(acc);
                    fromArray(S, values, a3 + t).mul(x3).add(acc).intoArray(out, o);
                }
                j += TileSparse.FULL_BLOCK - 1;
                continue;
            }
            DoubleVector xj = fromArray(S, x, xOff + j * 8);
            int end = colStart[j + 1];
            if (shared) {
                for (int k = colStart[j]; k < end; k++) {
                    int o = outOff + rowIndex[k] * 8;
                    xj.mul(values[k]).add(fromArray(S, out, o)).intoArray(out, o);
                }
            } else {
                for (int k = colStart[j]; k < end; k++) {
                    int o = outOff + rowIndex[k] * 8;
                    fromArray(S, values, k * 8 + half).mul(xj).add(fromArray(S, out, o)).intoArray(out, o);
                }
            }
        }
    }

    @Override
    public void multiplyBothAdd(int cols, int[] colStart, int[] rowIndex, double[] values, double[] x, double[] outAx,
                                double[] y, double[] outAty) {
        for (int half = 0; half < 8; half += W) {
            for (int j = 0; j < cols; j++) {
                if (TileSparse.fullColumns(j, cols, colStart, rowIndex)) {
                    multiplyBothFull4(colStart, j, values, x, outAx, y, outAty, half);
                    j += TileSparse.FULL_BLOCK - 1;
                    continue;
                }
                DoubleVector xj = fromArray(S, x, j * 8 + half);
                DoubleVector sum = DoubleVector.zero(S);
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    int o = rowIndex[k] * 8 + half;
                    DoubleVector a = fromArray(S, values, k * 8 + half);
                    a.mul(xj).add(fromArray(S, outAx, o)).intoArray(outAx, o);
                    sum = sum.add(a.mul(fromArray(S, y, o)));
                }
                fromArray(S, outAty, j * 8 + half).add(sum).intoArray(outAty, j * 8 + half);
            }
        }
    }

    /** {@link #multiplyBothAdd} over four full columns from j (rows 0 … len − 1 each). */
    private static void multiplyBothFull4(int[] colStart, int j, double[] values, double[] x, double[] outAx,
                                          double[] y, double[] outAty, int half) {
        DoubleVector x0 = fromArray(S, x, j * 8 + half);
        DoubleVector x1 = fromArray(S, x, (j + 1) * 8 + half);
        DoubleVector x2 = fromArray(S, x, (j + 2) * 8 + half);
        DoubleVector x3 = fromArray(S, x, (j + 3) * 8 + half);
        DoubleVector s0 = DoubleVector.zero(S);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        int len = colStart[j + 1] - colStart[j];
        int a0 = colStart[j] * 8 + half;
        int a1 = colStart[j + 1] * 8 + half;
        int a2 = colStart[j + 2] * 8 + half;
        int a3 = colStart[j + 3] * 8 + half;
        for (int i = 0; i < len; i++) {
            int t = i * 8;
            int o = t + half;
            DoubleVector v0 = fromArray(S, values, a0 + t);
            DoubleVector v1 = fromArray(S, values, a1 + t);
            DoubleVector v2 = fromArray(S, values, a2 + t);
            DoubleVector v3 = fromArray(S, values, a3 + t);
            // A row's four terms are added in column order, as column by column would add them.
            DoubleVector acc = v0.mul(x0).add(fromArray(S, outAx, o));
            acc = v1.mul(x1).add(acc);
            acc = v2.mul(x2).add(acc);
            v3.mul(x3).add(acc).intoArray(outAx, o);
            DoubleVector yi = fromArray(S, y, o);
            s0 = s0.add(v0.mul(yi));
            s1 = s1.add(v1.mul(yi));
            s2 = s2.add(v2.mul(yi));
            s3 = s3.add(v3.mul(yi));
        }
        int o = j * 8 + half;
        fromArray(S, outAty, o).add(s0).intoArray(outAty, o);
        fromArray(S, outAty, o + 8).add(s1).intoArray(outAty, o + 8);
        fromArray(S, outAty, o + 16).add(s2).intoArray(outAty, o + 16);
        fromArray(S, outAty, o + 24).add(s3).intoArray(outAty, o + 24);
    }

    @Override
    public void symmetricMultiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values, boolean shared,
                                     double[] x, int xOff, double[] out, int outOff) {
        for (int half = 0; half < 8; half += W) {
            symmetricMultiplyAdd(cols, colStart, rowIndex, values, shared, x, xOff + half, out, outOff + half, half);
        }
    }

    private static void symmetricMultiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values,
                                             boolean shared, double[] x, int xOff, double[] out, int outOff,
                                             int half) {
        for (int j = 0; j < cols; j++) {
            DoubleVector xj = fromArray(S, x, xOff + j * 8);
            int oj = outOff + j * 8;
            // Column j's own output stays in a register: only this column's entries touch it now.
            DoubleVector accJ = fromArray(S, out, oj);
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int i = rowIndex[k];
                DoubleVector a = shared ? DoubleVector.broadcast(S, values[k]) : fromArray(S, values, k * 8 + half);
                if (i == j) {
                    accJ = a.mul(xj).add(accJ);
                } else {
                    int oi = outOff + i * 8;
                    a.mul(xj).add(fromArray(S, out, oi)).intoArray(out, oi);
                    accJ = a.mul(fromArray(S, x, xOff + i * 8)).add(accJ);
                }
            }
            accJ.intoArray(out, oj);
        }
    }

    @Override
    public void transposeMultiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values, boolean shared,
                                     double[] y, int yOff, double[] out, int outOff) {
        for (int half = 0; half < 8; half += W) {
            transposeMultiplyAdd(cols, colStart, rowIndex, values, shared, y, yOff + half, out, outOff + half, half);
        }
    }

    private static void transposeMultiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values,
                                             boolean shared, double[] y, int yOff, double[] out, int outOff,
                                             int half) {
        for (int j = 0; j < cols; j++) {
            if (!shared && TileSparse.fullColumns(j, cols, colStart, rowIndex)) {
                // Four column sums at once, each in its own order: y is loaded once per row.
                DoubleVector s0 = DoubleVector.zero(S);
                DoubleVector s1 = s0;
                DoubleVector s2 = s0;
                DoubleVector s3 = s0;
                int len = colStart[j + 1] - colStart[j];
                int a0 = colStart[j] * 8 + half;
                int a1 = colStart[j + 1] * 8 + half;
                int a2 = colStart[j + 2] * 8 + half;
                int a3 = colStart[j + 3] * 8 + half;
                for (int i = 0; i < len; i++) {
                    DoubleVector yi = fromArray(S, y, yOff + i * 8);
                    int t = i * 8;
                    s0 = s0.add(fromArray(S, values, a0 + t).mul(yi));
                    s1 = s1.add(fromArray(S, values, a1 + t).mul(yi));
                    s2 = s2.add(fromArray(S, values, a2 + t).mul(yi));
                    s3 = s3.add(fromArray(S, values, a3 + t).mul(yi));
                }
                int o = outOff + j * 8;
                fromArray(S, out, o).add(s0).intoArray(out, o);
                fromArray(S, out, o + 8).add(s1).intoArray(out, o + 8);
                fromArray(S, out, o + 16).add(s2).intoArray(out, o + 16);
                fromArray(S, out, o + 24).add(s3).intoArray(out, o + 24);
                j += TileSparse.FULL_BLOCK - 1;
                continue;
            }
            DoubleVector sum = DoubleVector.zero(S);
            int end = colStart[j + 1];
            if (shared) {
                for (int k = colStart[j]; k < end; k++) {
                    sum = sum.add(fromArray(S, y, yOff + rowIndex[k] * 8).mul(values[k]));
                }
            } else {
                for (int k = colStart[j]; k < end; k++) {
                    sum = sum.add(fromArray(S, values, k * 8 + half).mul(fromArray(S, y, yOff + rowIndex[k] * 8)));
                }
            }
            int o = outOff + j * 8;
            fromArray(S, out, o).add(sum).intoArray(out, o);
        }
    }

    @Override
    public void forwardSolve(double[] factor, double[] scale, int n, boolean sharedFactor, double[] z, int off) {
        for (int half = 0; half < 8; half += W) {
            forwardSolve(factor, scale, n, sharedFactor, z, off + half, half);
        }
    }

    private static void forwardSolve(double[] factor, double[] scale, int n, boolean sharedFactor, double[] z, int off,
                                     int half) {
        for (int i = 0; i < n; i++) {
            int row = i * (i + 1) / 2;
            int zi = off + i * 8;
            DoubleVector s = fromArray(S, z, zi);
            if (sharedFactor) {
                for (int k = 0; k < i; k++) {
                    s = s.sub(fromArray(S, z, off + k * 8).mul(factor[row + k]));
                }
                s = s.mul(scale == null ? 1.0 : scale[i]);
            } else {
                int ri = row * 8 + half;
                for (int t = 0; t < i * 8; t += 8) {
                    s = s.sub(fromArray(S, factor, ri + t).mul(fromArray(S, z, off + t)));
                }
                if (scale != null) {
                    s = s.mul(fromArray(S, scale, i * 8 + half));
                }
            }
            s.intoArray(z, zi);
        }
    }

    @Override
    public void backwardSolve(double[] factor, double[] scale, int n, boolean sharedFactor, double[] z, int off) {
        for (int half = 0; half < 8; half += W) {
            backwardSolve(factor, scale, n, sharedFactor, z, off + half, half);
        }
    }

    private static void backwardSolve(double[] factor, double[] scale, int n, boolean sharedFactor, double[] z,
                                      int off, int half) {
        for (int i = n - 1; i >= 0; i--) {
            int row = i * (i + 1) / 2;
            int zi = off + i * 8;
            DoubleVector v = fromArray(S, z, zi);
            if (sharedFactor) {
                v = v.mul(scale == null ? 1.0 : scale[i]);
                v.intoArray(z, zi);
                for (int k = 0; k < i; k++) {
                    int zo = off + k * 8;
                    fromArray(S, z, zo).sub(v.mul(factor[row + k])).intoArray(z, zo);
                }
            } else {
                if (scale != null) {
                    v = v.mul(fromArray(S, scale, i * 8 + half));
                    v.intoArray(z, zi);
                }
                int ri = row * 8 + half;
                for (int t = 0; t < i * 8; t += 8) {
                    int zo = off + t;
                    fromArray(S, z, zo).sub(fromArray(S, factor, ri + t).mul(v)).intoArray(z, zo);
                }
            }
        }
    }

    @Override
    public void dotAdd(double[] panel, int pa, int pb, int stride, double[] out, int o) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector sum = DoubleVector.zero(S);
            for (int q = 0; q < stride; q += 8) {
                sum = sum.add(fromArray(S, panel, pa + half + q).mul(fromArray(S, panel, pb + half + q)));
            }
            fromArray(S, out, o + half).add(sum).intoArray(out, o + half);
        }
    }

    @Override
    public void dotAdd4(double[] panel, int pa, int pb, int stride, double[] out, int o0, int o1, int o2, int o3) {
        int pb1 = pb + stride;
        int pb2 = pb1 + stride;
        int pb3 = pb2 + stride;
        for (int half = 0; half < 8; half += W) {
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = s0;
            DoubleVector s2 = s0;
            DoubleVector s3 = s0;
            for (int q = half; q < stride; q += 8) {
                DoubleVector a = fromArray(S, panel, pa + q);
                s0 = s0.add(a.mul(fromArray(S, panel, pb + q)));
                s1 = s1.add(a.mul(fromArray(S, panel, pb1 + q)));
                s2 = s2.add(a.mul(fromArray(S, panel, pb2 + q)));
                s3 = s3.add(a.mul(fromArray(S, panel, pb3 + q)));
            }
            fromArray(S, out, o0 + half).add(s0).intoArray(out, o0 + half);
            fromArray(S, out, o1 + half).add(s1).intoArray(out, o1 + half);
            fromArray(S, out, o2 + half).add(s2).intoArray(out, o2 + half);
            fromArray(S, out, o3 + half).add(s3).intoArray(out, o3 + half);
        }
    }

    @Override
    public void dotAdd2x4(double[] panel, int pa, int pb, int stride, int[] cols, int c, int baseA, int baseB,
                          double[] out) {
        for (int half = 0; half < 8; half += W) {
            dotAdd2x4(panel, pa, pb, stride, cols, c, baseA + half, baseB + half, out, half);
        }
    }

    private static void dotAdd2x4(double[] panel, int pa, int pb, int stride, int[] cols, int c, int baseA,
                                  int baseB, double[] out, int half) {
        int pa1 = pa + stride;
        int pb1 = pb + stride;
        int pb2 = pb1 + stride;
        int pb3 = pb2 + stride;
        DoubleVector a0 = DoubleVector.zero(S);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        DoubleVector b0 = a0;
        DoubleVector b1 = a0;
        DoubleVector b2 = a0;
        DoubleVector b3 = a0;
        for (int q = half; q < stride; q += 8) {
            DoubleVector u = fromArray(S, panel, pa + q);
            DoubleVector v = fromArray(S, panel, pa1 + q);
            DoubleVector x0 = fromArray(S, panel, pb + q);
            DoubleVector x1 = fromArray(S, panel, pb1 + q);
            DoubleVector x2 = fromArray(S, panel, pb2 + q);
            DoubleVector x3 = fromArray(S, panel, pb3 + q);
            a0 = a0.add(u.mul(x0));
            a1 = a1.add(u.mul(x1));
            a2 = a2.add(u.mul(x2));
            a3 = a3.add(u.mul(x3));
            b0 = b0.add(v.mul(x0));
            b1 = b1.add(v.mul(x1));
            b2 = b2.add(v.mul(x2));
            b3 = b3.add(v.mul(x3));
        }
        fromArray(S, out, baseA + cols[c] * 8).add(a0).intoArray(out, baseA + cols[c] * 8);
        fromArray(S, out, baseA + cols[c + 1] * 8).add(a1).intoArray(out, baseA + cols[c + 1] * 8);
        fromArray(S, out, baseA + cols[c + 2] * 8).add(a2).intoArray(out, baseA + cols[c + 2] * 8);
        fromArray(S, out, baseA + cols[c + 3] * 8).add(a3).intoArray(out, baseA + cols[c + 3] * 8);
        fromArray(S, out, baseB + cols[c] * 8).add(b0).intoArray(out, baseB + cols[c] * 8);
        fromArray(S, out, baseB + cols[c + 1] * 8).add(b1).intoArray(out, baseB + cols[c + 1] * 8);
        fromArray(S, out, baseB + cols[c + 2] * 8).add(b2).intoArray(out, baseB + cols[c + 2] * 8);
        fromArray(S, out, baseB + cols[c + 3] * 8).add(b3).intoArray(out, baseB + cols[c + 3] * 8);
    }

    @Override
    public void dotAdd4x4(double[] panel, int pa, int pb, int stride, int[] cols, int c, int base0, int base1,
                          int base2, int base3, double[] out) {
        for (int half = 0; half < 8; half += W) {
            dotAdd4x4(panel, pa, pb, stride, cols, c, base0 + half, base1 + half, base2 + half, base3 + half, out,
                    half);
        }
    }

    private static void dotAdd4x4(double[] panel, int pa, int pb, int stride, int[] cols, int c, int base0,
                                  int base1, int base2, int base3, double[] out, int half) {
        int pa1 = pa + stride;
        int pa2 = pa1 + stride;
        int pa3 = pa2 + stride;
        int pb1 = pb + stride;
        int pb2 = pb1 + stride;
        int pb3 = pb2 + stride;
        DoubleVector s00 = DoubleVector.zero(S);
        DoubleVector s01 = s00;
        DoubleVector s02 = s00;
        DoubleVector s03 = s00;
        DoubleVector s10 = s00;
        DoubleVector s11 = s00;
        DoubleVector s12 = s00;
        DoubleVector s13 = s00;
        DoubleVector s20 = s00;
        DoubleVector s21 = s00;
        DoubleVector s22 = s00;
        DoubleVector s23 = s00;
        DoubleVector s30 = s00;
        DoubleVector s31 = s00;
        DoubleVector s32 = s00;
        DoubleVector s33 = s00;
        for (int q = half; q < stride; q += 8) {
            DoubleVector x0 = fromArray(S, panel, pb + q);
            DoubleVector x1 = fromArray(S, panel, pb1 + q);
            DoubleVector x2 = fromArray(S, panel, pb2 + q);
            DoubleVector x3 = fromArray(S, panel, pb3 + q);
            DoubleVector u = fromArray(S, panel, pa + q);
            s00 = s00.add(u.mul(x0));
            s01 = s01.add(u.mul(x1));
            s02 = s02.add(u.mul(x2));
            s03 = s03.add(u.mul(x3));
            u = fromArray(S, panel, pa1 + q);
            s10 = s10.add(u.mul(x0));
            s11 = s11.add(u.mul(x1));
            s12 = s12.add(u.mul(x2));
            s13 = s13.add(u.mul(x3));
            u = fromArray(S, panel, pa2 + q);
            s20 = s20.add(u.mul(x0));
            s21 = s21.add(u.mul(x1));
            s22 = s22.add(u.mul(x2));
            s23 = s23.add(u.mul(x3));
            u = fromArray(S, panel, pa3 + q);
            s30 = s30.add(u.mul(x0));
            s31 = s31.add(u.mul(x1));
            s32 = s32.add(u.mul(x2));
            s33 = s33.add(u.mul(x3));
        }
        int o0 = cols[c] * 8;
        int o1 = cols[c + 1] * 8;
        int o2 = cols[c + 2] * 8;
        int o3 = cols[c + 3] * 8;
        // Written out, not through a helper: a call that passes vectors boxes them where it is not inlined.
        fromArray(S, out, base0 + o0).add(s00).intoArray(out, base0 + o0);
        fromArray(S, out, base0 + o1).add(s01).intoArray(out, base0 + o1);
        fromArray(S, out, base0 + o2).add(s02).intoArray(out, base0 + o2);
        fromArray(S, out, base0 + o3).add(s03).intoArray(out, base0 + o3);
        fromArray(S, out, base1 + o0).add(s10).intoArray(out, base1 + o0);
        fromArray(S, out, base1 + o1).add(s11).intoArray(out, base1 + o1);
        fromArray(S, out, base1 + o2).add(s12).intoArray(out, base1 + o2);
        fromArray(S, out, base1 + o3).add(s13).intoArray(out, base1 + o3);
        fromArray(S, out, base2 + o0).add(s20).intoArray(out, base2 + o0);
        fromArray(S, out, base2 + o1).add(s21).intoArray(out, base2 + o1);
        fromArray(S, out, base2 + o2).add(s22).intoArray(out, base2 + o2);
        fromArray(S, out, base2 + o3).add(s23).intoArray(out, base2 + o3);
        fromArray(S, out, base3 + o0).add(s30).intoArray(out, base3 + o0);
        fromArray(S, out, base3 + o1).add(s31).intoArray(out, base3 + o1);
        fromArray(S, out, base3 + o2).add(s32).intoArray(out, base3 + o2);
        fromArray(S, out, base3 + o3).add(s33).intoArray(out, base3 + o3);
    }

    @Override
    public void choleskyFactor(double[] a, double[] invDiag, int n) {
        for (int half = 0; half < 8; half += W) {
            choleskyFactor(a, invDiag, n, half);
        }
    }

    /**
     * {@link #choleskyFactor} for the lanes from {@code half}. Four entries of a row are reduced at once
     * over the columns before the first of them (row i's loads shared, four independent sums); the
     * terms among the four themselves are then added in column order, so every sum runs in t order as
     * one entry at a time would run it. (Small methods, so that the JIT inlines every vector operation.)
     */
    private static void choleskyFactor(double[] a, double[] invDiag, int n, int half) {
        for (int i = 0; i < n; i++) {
            int ri = i * (i + 1) / 2 * 8 + half;
            int j = 0;
            for (; j + 4 <= i; j += 4) {
                choleskyFourEntries(a, invDiag, ri, j, half);
            }
            for (; j < i; j++) {
                choleskyEntry(a, invDiag, ri, j, half);
            }
            choleskyDiagonal(a, invDiag, ri, i, half);
        }
    }

    /** L_ij = (a_ij − Σ_{t<j} L_it·L_jt) / L_jj, the sum in t order, for row i from {@code ri}. */
    private static void choleskyEntry(double[] a, double[] invDiag, int ri, int j, int half) {
        int rj = j * (j + 1) / 2 * 8 + half;
        DoubleVector s = DoubleVector.zero(S);
        for (int t = 0; t < j * 8; t += 8) {
            s = s.add(fromArray(S, a, ri + t).mul(fromArray(S, a, rj + t)));
        }
        int o = ri + j * 8;
        fromArray(S, a, o).sub(s).mul(fromArray(S, invDiag, j * 8 + half)).intoArray(a, o);
    }

    /** L_ii = √(a_ii − Σ_{t<i} L_it²) and its inverse, for row i from {@code ri}. */
    private static void choleskyDiagonal(double[] a, double[] invDiag, int ri, int i, int half) {
        DoubleVector s = DoubleVector.zero(S);
        for (int t = 0; t < i * 8; t += 8) {
            DoubleVector l = fromArray(S, a, ri + t);
            s = s.add(l.mul(l));
        }
        int o = ri + i * 8;
        DoubleVector r = fromArray(S, a, o).sub(s).lanewise(VectorOperators.SQRT);
        r.intoArray(a, o);
        DoubleVector.broadcast(S, 1.0).div(r).intoArray(invDiag, i * 8 + half);
    }

    /** L_ij … L_i,j+3 (all left of the diagonal) of the row from {@code ri}. */
    private static void choleskyFourEntries(double[] a, double[] invDiag, int ri, int j, int half) {
        int r0 = j * (j + 1) / 2 * 8 + half;
        int r1 = r0 + (j + 1) * 8;
        int r2 = r1 + (j + 2) * 8;
        int r3 = r2 + (j + 3) * 8;
        DoubleVector s0 = DoubleVector.zero(S);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        for (int t = 0; t < j * 8; t += 8) {
            DoubleVector li = fromArray(S, a, ri + t);
            s0 = s0.add(li.mul(fromArray(S, a, r0 + t)));
            s1 = s1.add(li.mul(fromArray(S, a, r1 + t)));
            s2 = s2.add(li.mul(fromArray(S, a, r2 + t)));
            s3 = s3.add(li.mul(fromArray(S, a, r3 + t)));
        }
        int o = ri + j * 8;
        int d = j * 8 + half;
        int c = j * 8;
        DoubleVector l0 = fromArray(S, a, o).sub(s0).mul(fromArray(S, invDiag, d));
        l0.intoArray(a, o);
        s1 = s1.add(l0.mul(fromArray(S, a, r1 + c)));
        DoubleVector l1 = fromArray(S, a, o + 8).sub(s1).mul(fromArray(S, invDiag, d + 8));
        l1.intoArray(a, o + 8);
        s2 = s2.add(l0.mul(fromArray(S, a, r2 + c))).add(l1.mul(fromArray(S, a, r2 + c + 8)));
        DoubleVector l2 = fromArray(S, a, o + 16).sub(s2).mul(fromArray(S, invDiag, d + 16));
        l2.intoArray(a, o + 16);
        s3 = s3.add(l0.mul(fromArray(S, a, r3 + c))).add(l1.mul(fromArray(S, a, r3 + c + 8)))
                .add(l2.mul(fromArray(S, a, r3 + c + 16)));
        fromArray(S, a, o + 24).sub(s3).mul(fromArray(S, invDiag, d + 24)).intoArray(a, o + 24);
    }

    @Override
    public void accumulateNorms(int cols, int[] colStart, int[] rowIndex, double[] values, double[] rowNorm,
                                double[] colNorm, boolean l2, boolean symmetric) {
        scaleAndAccumulateNorms(cols, colStart, rowIndex, values, null, null, rowNorm, colNorm, l2, symmetric);
    }

    @Override
    public void scaleAndAccumulateNorms(int cols, int[] colStart, int[] rowIndex, double[] values, double[] rowFactor,
                                        double[] colFactor, double[] rowNorm, double[] colNorm, boolean l2,
                                        boolean symmetric) {
        if (rowFactor == null) {
            // Counting the values as they are is scaling them by ones (exact): one loop serves both, and
            // factors that may be null inside it made the sweep 1.6× slower (the JIT boxes such vectors).
            colFactor = ones(colNorm.length);
            rowFactor = symmetric ? colFactor : ones(rowNorm.length);
        }
        for (int half = 0; half < 8; half += W) {
            scaleAndAccumulateNorms(cols, colStart, rowIndex, values, rowFactor, colFactor, rowNorm, colNorm, l2,
                    symmetric, half);
        }
    }

    /**
     * The kernel of both for the lanes from {@code half} (factors never null here: see the caller). The
     * ∞-norms ({@link #scaleAndMaxNorms}) and the squared ℓ2 norms have one loop each: vectors kept as
     * their bits and as doubles in one loop defeat the JIT's unboxing (about 5× slower).
     */
    private static void scaleAndAccumulateNorms(int cols, int[] colStart, int[] rowIndex, double[] values,
                                                double[] rowFactor, double[] colFactor, double[] rowNorm,
                                                double[] colNorm, boolean l2, boolean symmetric, int half) {
        if (!l2) {
            scaleAndMaxNorms(cols, colStart, rowIndex, values, rowFactor, colFactor, rowNorm, colNorm, symmetric,
                    half);
            return;
        }
        for (int j = 0; j < cols; j++) {
            if (!symmetric && TileSparse.fullColumns(j, cols, colStart, rowIndex)) {
                scaleAndSquareFull4(colStart, j, values, rowFactor, colFactor, rowNorm, colNorm, half);
                j += TileSparse.FULL_BLOCK - 1;
                continue;
            }
            int jo = j * 8 + half;
            DoubleVector cj = fromArray(S, colFactor, jo);
            // Column j's norm stays in a register: within column j only rows other than j are written.
            DoubleVector col = fromArray(S, colNorm, jo);
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int io = rowIndex[k] * 8 + half;
                int ko = k * 8 + half;
                DoubleVector v = fromArray(S, values, ko).mul(fromArray(S, rowFactor, io).mul(cj));
                v.intoArray(values, ko);
                DoubleVector w = v.mul(v);
                col = col.add(w);
                double[] other = symmetric ? (rowIndex[k] != j ? colNorm : null) : rowNorm;
                if (other != null) {
                    fromArray(S, other, io).add(w).intoArray(other, io);
                }
            }
            col.intoArray(colNorm, jo);
        }
    }

    /** {@link #scaleAndAccumulateNorms}' ∞-norms: running maxima of the magnitudes' bits (see above). */
    private static void scaleAndMaxNorms(int cols, int[] colStart, int[] rowIndex, double[] values, double[] rowFactor,
                                         double[] colFactor, double[] rowNorm, double[] colNorm, boolean symmetric,
                                         int half) {
        for (int j = 0; j < cols; j++) {
            if (!symmetric && TileSparse.fullColumns(j, cols, colStart, rowIndex)) {
                scaleAndMaxRows(colStart, j, colStart[j + 1] - colStart[j], values, rowFactor, colFactor, rowNorm,
                        colNorm, half);
                j += TileSparse.FULL_BLOCK - 1;
                continue;
            }
            if (symmetric && TileSparse.fullUpperColumns(j, cols, colStart, rowIndex)) {
                scaleAndMaxUpper4(colStart, j, values, colFactor, colNorm, half);
                j += TileSparse.FULL_BLOCK - 1;
                continue;
            }
            int jo = j * 8 + half;
            DoubleVector cj = fromArray(S, colFactor, jo);
            LongVector col = fromArray(S, colNorm, jo).viewAsIntegralLanes();
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int io = rowIndex[k] * 8 + half;
                int ko = k * 8 + half;
                DoubleVector v = fromArray(S, values, ko).mul(fromArray(S, rowFactor, io).mul(cj));
                v.intoArray(values, ko);
                LongVector w = v.viewAsIntegralLanes().and(Long.MAX_VALUE);
                col = col.max(w);
                double[] other = symmetric ? (rowIndex[k] != j ? colNorm : null) : rowNorm;
                if (other != null) {
                    fromArray(S, other, io).viewAsIntegralLanes().max(w).viewAsFloatingLanes().intoArray(other, io);
                }
            }
            col.viewAsFloatingLanes().intoArray(colNorm, jo);
        }
    }

    /**
     * {@link #scaleAndAccumulateNorms}' squared ℓ2 norms over four full columns from j (rows 0 … len − 1
     * each): the same operations on every entry, and each row's norm takes the four entries in column
     * order, as column by column would; the row norm is loaded and stored once per row instead of once
     * per entry.
     */
    private static void scaleAndSquareFull4(int[] colStart, int j, double[] values, double[] rowFactor,
                                            double[] colFactor, double[] rowNorm, double[] colNorm, int half) {
        int jo = j * 8 + half;
        DoubleVector c0 = fromArray(S, colFactor, jo);
        DoubleVector c1 = fromArray(S, colFactor, jo + 8);
        DoubleVector c2 = fromArray(S, colFactor, jo + 16);
        DoubleVector c3 = fromArray(S, colFactor, jo + 24);
        DoubleVector n0 = fromArray(S, colNorm, jo);
        DoubleVector n1 = fromArray(S, colNorm, jo + 8);
        DoubleVector n2 = fromArray(S, colNorm, jo + 16);
        DoubleVector n3 = fromArray(S, colNorm, jo + 24);
        int len = colStart[j + 1] - colStart[j];
        int a0 = colStart[j] * 8 + half;
        int a1 = colStart[j + 1] * 8 + half;
        int a2 = colStart[j + 2] * 8 + half;
        int a3 = colStart[j + 3] * 8 + half;
        for (int i = 0; i < len; i++) {
            int t = i * 8;
            int io = t + half;
            DoubleVector rf = fromArray(S, rowFactor, io);
            DoubleVector v0 = fromArray(S, values, a0 + t).mul(rf.mul(c0));
            DoubleVector v1 = fromArray(S, values, a1 + t).mul(rf.mul(c1));
            DoubleVector v2 = fromArray(S, values, a2 + t).mul(rf.mul(c2));
            DoubleVector v3 = fromArray(S, values, a3 + t).mul(rf.mul(c3));
            v0.intoArray(values, a0 + t);
            v1.intoArray(values, a1 + t);
            v2.intoArray(values, a2 + t);
            v3.intoArray(values, a3 + t);
            DoubleVector w0 = v0.mul(v0);
            DoubleVector w1 = v1.mul(v1);
            DoubleVector w2 = v2.mul(v2);
            DoubleVector w3 = v3.mul(v3);
            n0 = n0.add(w0);
            n1 = n1.add(w1);
            n2 = n2.add(w2);
            n3 = n3.add(w3);
            fromArray(S, rowNorm, io).add(w0).add(w1).add(w2).add(w3).intoArray(rowNorm, io);
        }
        n0.intoArray(colNorm, jo);
        n1.intoArray(colNorm, jo + 8);
        n2.intoArray(colNorm, jo + 16);
        n3.intoArray(colNorm, jo + 24);
    }

    /**
     * {@link #scaleAndMaxNorms} over four full columns j … j+3 of a symmetric matrix's upper triangle
     * ({@link TileSparse#fullUpperColumns}), whose row factors are the column factors and whose rows are
     * columns too: rows 0 … j − 1, in all four columns, as {@link #scaleAndMaxRows} takes them; then the
     * 4 × 4 triangle below them into the four columns' norms. A maximum does not depend on the order it
     * takes its terms in, so the norms are column by column's bits.
     */
    private static void scaleAndMaxUpper4(int[] colStart, int j, double[] values, double[] colFactor,
                                          double[] colNorm, int half) {
        scaleAndMaxRows(colStart, j, j, values, colFactor, colFactor, colNorm, colNorm, half);
        int jo = j * 8 + half;
        // Entry (row j + r, column j + c), r ≤ c, sits at offset j + r of column j + c.
        int t = j * 8;
        int a0 = colStart[j] * 8 + half + t;
        int a1 = colStart[j + 1] * 8 + half + t;
        int a2 = colStart[j + 2] * 8 + half + t;
        int a3 = colStart[j + 3] * 8 + half + t;
        scaleAndMaxEntry(values, a0, colFactor, colNorm, jo, jo);
        scaleAndMaxEntry(values, a1, colFactor, colNorm, jo, jo + 8);
        scaleAndMaxEntry(values, a1 + 8, colFactor, colNorm, jo + 8, jo + 8);
        scaleAndMaxEntry(values, a2, colFactor, colNorm, jo, jo + 16);
        scaleAndMaxEntry(values, a2 + 8, colFactor, colNorm, jo + 8, jo + 16);
        scaleAndMaxEntry(values, a2 + 16, colFactor, colNorm, jo + 16, jo + 16);
        scaleAndMaxEntry(values, a3, colFactor, colNorm, jo, jo + 24);
        scaleAndMaxEntry(values, a3 + 8, colFactor, colNorm, jo + 8, jo + 24);
        scaleAndMaxEntry(values, a3 + 16, colFactor, colNorm, jo + 16, jo + 24);
        scaleAndMaxEntry(values, a3 + 24, colFactor, colNorm, jo + 24, jo + 24);
    }

    /**
     * A triangle entry of the 4 × 4 corner: values[at] ·= f[ro]·f[co] (eight lanes from each), stored
     * back, and its magnitude into the norms of its column (co) and, off the diagonal, of its row (ro).
     */
    private static void scaleAndMaxEntry(double[] values, int at, double[] f, double[] norm, int ro, int co) {
        DoubleVector e = fromArray(S, values, at).mul(fromArray(S, f, ro).mul(fromArray(S, f, co)));
        e.intoArray(values, at);
        LongVector d = e.viewAsIntegralLanes().and(Long.MAX_VALUE);
        fromArray(S, norm, co).viewAsIntegralLanes().max(d).viewAsFloatingLanes().intoArray(norm, co);
        if (ro != co) {
            fromArray(S, norm, ro).viewAsIntegralLanes().max(d).viewAsFloatingLanes().intoArray(norm, ro);
        }
    }

    /**
     * {@link #scaleAndSquareFull4} for the ∞-norms, as {@link #scaleAndMaxNorms} keeps them, over rows
     * 0 … rows − 1 of the four columns from j (each column's first entries, at those rows): scaled and
     * stored back, their magnitudes into the four columns' norms and, once per row, into the row's norm.
     */
    private static void scaleAndMaxRows(int[] colStart, int j, int rows, double[] values, double[] rowFactor,
                                        double[] colFactor, double[] rowNorm, double[] colNorm, int half) {
        int jo = j * 8 + half;
        DoubleVector c0 = fromArray(S, colFactor, jo);
        DoubleVector c1 = fromArray(S, colFactor, jo + 8);
        DoubleVector c2 = fromArray(S, colFactor, jo + 16);
        DoubleVector c3 = fromArray(S, colFactor, jo + 24);
        LongVector n0 = fromArray(S, colNorm, jo).viewAsIntegralLanes();
        LongVector n1 = fromArray(S, colNorm, jo + 8).viewAsIntegralLanes();
        LongVector n2 = fromArray(S, colNorm, jo + 16).viewAsIntegralLanes();
        LongVector n3 = fromArray(S, colNorm, jo + 24).viewAsIntegralLanes();
        int a0 = colStart[j] * 8 + half;
        int a1 = colStart[j + 1] * 8 + half;
        int a2 = colStart[j + 2] * 8 + half;
        int a3 = colStart[j + 3] * 8 + half;
        for (int i = 0; i < rows; i++) {
            int t = i * 8;
            int io = t + half;
            DoubleVector rf = fromArray(S, rowFactor, io);
            DoubleVector v0 = fromArray(S, values, a0 + t).mul(rf.mul(c0));
            DoubleVector v1 = fromArray(S, values, a1 + t).mul(rf.mul(c1));
            DoubleVector v2 = fromArray(S, values, a2 + t).mul(rf.mul(c2));
            DoubleVector v3 = fromArray(S, values, a3 + t).mul(rf.mul(c3));
            v0.intoArray(values, a0 + t);
            v1.intoArray(values, a1 + t);
            v2.intoArray(values, a2 + t);
            v3.intoArray(values, a3 + t);
            LongVector w0 = v0.viewAsIntegralLanes().and(Long.MAX_VALUE);
            LongVector w1 = v1.viewAsIntegralLanes().and(Long.MAX_VALUE);
            LongVector w2 = v2.viewAsIntegralLanes().and(Long.MAX_VALUE);
            LongVector w3 = v3.viewAsIntegralLanes().and(Long.MAX_VALUE);
            n0 = n0.max(w0);
            n1 = n1.max(w1);
            n2 = n2.max(w2);
            n3 = n3.max(w3);
            fromArray(S, rowNorm, io).viewAsIntegralLanes().max(w0).max(w1).max(w2).max(w3).viewAsFloatingLanes()
                    .intoArray(rowNorm, io);
        }
        n0.viewAsFloatingLanes().intoArray(colNorm, jo);
        n1.viewAsFloatingLanes().intoArray(colNorm, jo + 8);
        n2.viewAsFloatingLanes().intoArray(colNorm, jo + 16);
        n3.viewAsFloatingLanes().intoArray(colNorm, jo + 24);
    }

    @Override
    public void applyFactors(int cols, int[] colStart, int[] rowIndex, double[] values, double[] rowFactor,
                             double[] colFactor) {
        for (int half = 0; half < 8; half += W) {
            for (int j = 0; j < cols; j++) {
                DoubleVector cj = fromArray(S, colFactor, j * 8 + half);
                for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                    int ko = k * 8 + half;
                    fromArray(S, values, ko).mul(fromArray(S, rowFactor, rowIndex[k] * 8 + half).mul(cj))
                            .intoArray(values, ko);
                }
            }
        }
    }

    @Override
    public void toFactors(double[] norms, int count, double min, double max) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int i = 0; i < count; i += W) {
            DoubleVector v = fromArray(S, norms, i);
            one.div(v.max(min).min(max).sqrt()).blend(one, v.eq(0.0)).intoArray(norms, i);
        }
    }

    @Override
    public void sumSquares(double[] v, int count, double[] out) {
        int whole = count & ~3;
        for (int half = 0; half < 8; half += W) {
            DoubleVector zero = DoubleVector.zero(S);
            DoubleVector s0 = zero;
            DoubleVector s1 = zero;
            DoubleVector s2 = zero;
            DoubleVector s3 = zero;
            int i = 0;
            for (; i < whole; i += 4) {
                DoubleVector x0 = fromArray(S, v, i * 8 + half);
                DoubleVector x1 = fromArray(S, v, (i + 1) * 8 + half);
                DoubleVector x2 = fromArray(S, v, (i + 2) * 8 + half);
                DoubleVector x3 = fromArray(S, v, (i + 3) * 8 + half);
                s0 = s0.add(x0.mul(x0));
                s1 = s1.add(x1.mul(x1));
                s2 = s2.add(x2.mul(x2));
                s3 = s3.add(x3.mul(x3));
            }
            // The last one to three rows go to the partial sums their index names (i mod 4).
            if (i < count) {
                DoubleVector x = fromArray(S, v, i++ * 8 + half);
                s0 = s0.add(x.mul(x));
            }
            if (i < count) {
                DoubleVector x = fromArray(S, v, i++ * 8 + half);
                s1 = s1.add(x.mul(x));
            }
            if (i < count) {
                DoubleVector x = fromArray(S, v, i * 8 + half);
                s2 = s2.add(x.mul(x));
            }
            s0.add(s1).add(s2.add(s3)).intoArray(out, half);
        }
    }

    @Override
    public void scaleLanes(double[] v, int count, double[] factor) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector f = fromArray(S, factor, half);
            for (int i = half; i < count * 8; i += 8) {
                fromArray(S, v, i).mul(f).intoArray(v, i);
            }
        }
    }

    @Override
    public void tauCoefficients(double[] r, double[] g, double[] p, double[] mu, int count, double[] a, double[] b,
                                double[] c) {
        for (int half = 0; half < 8; half += W) {
            // Partial sums j of a, b and c over the rows i ≡ j (mod 4): four independent chains each.
            DoubleVector a0 = DoubleVector.zero(S);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            DoubleVector b0 = a0;
            DoubleVector b1 = a0;
            DoubleVector b2 = a0;
            DoubleVector b3 = a0;
            DoubleVector c0 = a0;
            DoubleVector c1 = a0;
            DoubleVector c2 = a0;
            DoubleVector c3 = a0;
            for (int i = 0; i < count; i += 4) {
                int k = i * 8 + half;
                DoubleVector ri = fromArray(S, r, k);
                DoubleVector gi = fromArray(S, g, k);
                DoubleVector pi = fromArray(S, p, k);
                DoubleVector mi = fromArray(S, mu, k);
                a0 = a0.add(ri.mul(gi).mul(gi));
                b0 = b0.add(ri.mul(mi.mul(gi).sub(pi.mul(2.0).mul(gi))));
                c0 = c0.add(ri.mul(pi).mul(pi.sub(mi)));
                if (i + 1 == count) {
                    break;
                }
                ri = fromArray(S, r, k + 8);
                gi = fromArray(S, g, k + 8);
                pi = fromArray(S, p, k + 8);
                mi = fromArray(S, mu, k + 8);
                a1 = a1.add(ri.mul(gi).mul(gi));
                b1 = b1.add(ri.mul(mi.mul(gi).sub(pi.mul(2.0).mul(gi))));
                c1 = c1.add(ri.mul(pi).mul(pi.sub(mi)));
                if (i + 2 == count) {
                    break;
                }
                ri = fromArray(S, r, k + 16);
                gi = fromArray(S, g, k + 16);
                pi = fromArray(S, p, k + 16);
                mi = fromArray(S, mu, k + 16);
                a2 = a2.add(ri.mul(gi).mul(gi));
                b2 = b2.add(ri.mul(mi.mul(gi).sub(pi.mul(2.0).mul(gi))));
                c2 = c2.add(ri.mul(pi).mul(pi.sub(mi)));
                if (i + 3 == count) {
                    break;
                }
                ri = fromArray(S, r, k + 24);
                gi = fromArray(S, g, k + 24);
                pi = fromArray(S, p, k + 24);
                mi = fromArray(S, mu, k + 24);
                a3 = a3.add(ri.mul(gi).mul(gi));
                b3 = b3.add(ri.mul(mi.mul(gi).sub(pi.mul(2.0).mul(gi))));
                c3 = c3.add(ri.mul(pi).mul(pi.sub(mi)));
            }
            a0.add(a1).add(a2.add(a3)).intoArray(a, half);
            b0.add(b1).add(b2.add(b3)).intoArray(b, half);
            c0.add(c1).add(c2.add(c3)).intoArray(c, half);
        }
    }

    @Override
    public void subtractScaled(double[] u, double[] factor, double[] g, int count) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector f = fromArray(S, factor, half);
            for (int i = half; i < count * 8; i += 8) {
                fromArray(S, u, i).sub(f.mul(fromArray(S, g, i))).intoArray(u, i);
            }
        }
    }

    @Override
    public void maxAbs(double[] v, int count, double[] acc) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector max = fromArray(S, acc, half);
            for (int i = half; i < count * 8; i += 8) {
                max = max.max(fromArray(S, v, i).lanewise(VectorOperators.ABS));
            }
            max.intoArray(acc, half);
        }
    }

    @Override
    public void stepLimits(double[] v, double[] dv, int from, int to, double[] out) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector min = fromArray(S, out, half);
            for (int i = from * 8 + half; i < to * 8; i += 8) {
                DoubleVector d = fromArray(S, dv, i);
                // Lanes without a limit divide too (their quotient is discarded by the mask).
                min = min.blend(min.min(fromArray(S, v, i).neg().div(d)), d.lt(0));
            }
            min.intoArray(out, half);
        }
    }

    @Override
    public void residualMaxima(double[] p, double[] q, double[] r, double[] inv, double[] invT, boolean subtract,
                               int count, double[] out) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector t = fromArray(S, invT, half);
            DoubleVector res = DoubleVector.zero(S);
            DoubleVector uT = res;
            DoubleVector vT = res;
            DoubleVector wN = res;
            DoubleVector sum = res;
            DoubleVector uN = res;
            DoubleVector vN = res;
            for (int i = half; i < count * 8; i += 8) {
                DoubleVector f = fromArray(S, inv, i);
                DoubleVector u = fromArray(S, p, i).mul(f);
                DoubleVector v = fromArray(S, q, i).mul(f);
                DoubleVector w = fromArray(S, r, i).mul(f);
                DoubleVector uv = u.add(v);
                DoubleVector scaled = uv.mul(t);
                res = res.max((subtract ? scaled.sub(w) : scaled.add(w)).lanewise(VectorOperators.ABS));
                uT = uT.max(u.mul(t).lanewise(VectorOperators.ABS));
                vT = vT.max(v.mul(t).lanewise(VectorOperators.ABS));
                wN = wN.max(w.lanewise(VectorOperators.ABS));
                sum = sum.max(uv.lanewise(VectorOperators.ABS));
                uN = uN.max(u.lanewise(VectorOperators.ABS));
                vN = vN.max(v.lanewise(VectorOperators.ABS));
            }
            res.intoArray(out, half);
            uT.intoArray(out, 8 + half);
            vT.intoArray(out, 16 + half);
            wN.intoArray(out, 24 + half);
            sum.intoArray(out, 32 + half);
            uN.intoArray(out, 40 + half);
            vN.intoArray(out, 48 + half);
        }
    }

    @Override
    public void scaleEntry(double[] src, int srcOff, double[] factor, double[] dst, int dstOff) {
        for (int half = 0; half < 8; half += W) {
            fromArray(S, src, srcOff + half).mul(fromArray(S, factor, half)).intoArray(dst, dstOff + half);
        }
    }

    @Override
    public void inverseSqrt(double[] v, int count, double[] out) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        for (int i = 0; i < count; i += W) {
            one.div(fromArray(S, v, i).sqrt()).intoArray(out, i);
        }
    }

    @Override
    public void scaleRowInto(double[] src, int[] entry, int[] slot, int from, int to, double[] factor, int factorOff,
                             double[] dst, int stride, int dstOff) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector f = fromArray(S, factor, factorOff + half);
            for (int t = from; t < to; t++) {
                fromArray(S, src, entry[t] * 8 + half).mul(f).intoArray(dst, slot[t] * stride + dstOff + half);
            }
        }
    }

    @Override
    public void addScaled(double[] x, double[] a, double[] y, int from, int to, double[] out) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector f = fromArray(S, a, half);
            for (int t = from * 8 + half; t < to * 8; t += 8) {
                fromArray(S, x, t).add(f.mul(fromArray(S, y, t))).intoArray(out, t);
            }
        }
    }

    @Override
    public void addScaledWhereNumber(double[] x, int xFrom, double[] a, double[] y, int yFrom, int rows) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector f = fromArray(S, a, half);
            VectorMask<Double> number = f.compare(VectorOperators.EQ, f);
            int shift = (yFrom - xFrom) * 8;
            for (int t = xFrom * 8 + half; t < (xFrom + rows) * 8; t += 8) {
                DoubleVector old = fromArray(S, x, t);
                old.blend(old.add(f.mul(fromArray(S, y, t + shift))), number).intoArray(x, t);
            }
        }
    }

    @Override
    public void negatedScaledPlus(double[] a, double[] r, double[] plus, int from, int to, double[] out) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector f = fromArray(S, a, half).neg();
            for (int t = from * 8 + half; t < to * 8; t += 8) {
                DoubleVector v = f.mul(fromArray(S, r, t));
                (plus == null ? v : v.add(fromArray(S, plus, t))).intoArray(out, t);
            }
        }
    }

    @Override
    public void laneDotAdd(double[] u, double[] v, int from, int to, double[] out) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector acc = fromArray(S, out, half);
            for (int t = from * 8 + half; t < to * 8; t += 8) {
                acc = acc.add(fromArray(S, u, t).mul(fromArray(S, v, t)));
            }
            acc.intoArray(out, half);
        }
    }

    @Override
    public void shiftedDotAdd(double[] c, double[] p, double[] s, double[] u, int count, double[] out) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector sv = fromArray(S, s, half);
            DoubleVector acc = fromArray(S, out, half);
            for (int t = half; t < count * 8; t += 8) {
                acc = acc.add(fromArray(S, c, t).add(fromArray(S, p, t).mul(2.0).mul(sv)).mul(fromArray(S, u, t)));
            }
            acc.intoArray(out, half);
        }
    }

    @Override
    public void residualRows(double[] p, double[] q, double[] c, double[] tau, boolean minus, double[] u, int count,
                             double[] r, double[] out1, double[] out2) {
        // Two loops, not one with a vector that may be null: such a vector is boxed on every row.
        for (int half = 0; half < 8; half += W) {
            if (out2 == null) {
                residualRows(p, q, c, tau, minus, u, count, r, out1, half);
            } else {
                residualRows(p, q, c, tau, minus, u, count, r, out1, out2, half);
            }
        }
    }

    /** {@link #residualRows} for the lanes from {@code half}, without the second sum. */
    private static void residualRows(double[] p, double[] q, double[] c, double[] tau, boolean minus, double[] u,
                                     int count, double[] r, double[] out1, int half) {
        DoubleVector tv = fromArray(S, tau, half);
        DoubleVector s1 = fromArray(S, out1, half);
        for (int t = half; t < count * 8; t += 8) {
            DoubleVector ct = fromArray(S, c, t);
            DoubleVector pq = fromArray(S, p, t).add(fromArray(S, q, t));
            DoubleVector ctau = ct.mul(tv);
            (minus ? pq.sub(ctau) : pq.add(ctau)).intoArray(r, t);
            s1 = s1.add(ct.mul(fromArray(S, u, t)));
        }
        s1.intoArray(out1, half);
    }

    /** {@link #residualRows} for the lanes from {@code half}, with the second sum. */
    private static void residualRows(double[] p, double[] q, double[] c, double[] tau, boolean minus, double[] u,
                                     int count, double[] r, double[] out1, double[] out2, int half) {
        DoubleVector tv = fromArray(S, tau, half);
        DoubleVector s1 = fromArray(S, out1, half);
        DoubleVector s2 = fromArray(S, out2, half);
        for (int t = half; t < count * 8; t += 8) {
            DoubleVector pt = fromArray(S, p, t);
            DoubleVector ct = fromArray(S, c, t);
            DoubleVector ut = fromArray(S, u, t);
            DoubleVector pq = pt.add(fromArray(S, q, t));
            DoubleVector ctau = ct.mul(tv);
            (minus ? pq.sub(ctau) : pq.add(ctau)).intoArray(r, t);
            s1 = s1.add(ct.mul(ut));
            s2 = s2.add(ut.mul(pt));
        }
        s1.intoArray(out1, half);
        s2.intoArray(out2, half);
    }

    @Override
    public void correctorTarget(double[] lambda, double[] ds, double[] dz, double[] w, double[] shift, int from,
                                int to, double[] out) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector sh = fromArray(S, shift, half);
            for (int t = from * 8 + half; t < to * 8; t += 8) {
                DoubleVector wt = fromArray(S, w, t);
                DoubleVector lt = fromArray(S, lambda, t);
                DoubleVector cross = fromArray(S, ds, t).div(wt).mul(fromArray(S, dz, t).mul(wt));
                lt.mul(lt).add(cross).add(sh).intoArray(out, t);
            }
        }
    }

    @Override
    public void scaling(double[] s, double[] z, boolean[] on, int from, int to, double[] w, double[] lambda,
                        boolean[] interior) {
        for (int half = 0; half < 8; half += W) {
            VectorMask<Double> active = VectorMask.fromArray(S, on, half);
            VectorMask<Double> outside = S.maskAll(false);
            for (int t = from * 8 + half; t < to * 8; t += 8) {
                DoubleVector st = fromArray(S, s, t);
                DoubleVector zt = fromArray(S, z, t);
                outside = outside.or(st.compare(VectorOperators.GT, 0.0).and(zt.compare(VectorOperators.GT, 0.0))
                        .not());
                fromArray(S, w, t).blend(st.div(zt).sqrt(), active).intoArray(w, t);
                fromArray(S, lambda, t).blend(st.mul(zt).sqrt(), active).intoArray(lambda, t);
            }
            long bits = outside.and(active).toLong();
            for (int l = 0; l < W; l++) {
                if ((bits >>> l & 1) != 0) {
                    interior[half + l] = false;
                }
            }
        }
    }

    @Override
    public void productDifference(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, double[] d,
                                  int dOff, double[] out, int outOff) {
        for (int half = 0; half < 8; half += W) {
            fromArray(S, a, aOff + half).mul(fromArray(S, b, bOff + half))
                    .sub(fromArray(S, c, cOff + half).mul(fromArray(S, d, dOff + half)))
                    .intoArray(out, outOff + half);
        }
    }

    @Override
    public void symmetricGradient(double[] r, int w, double[] x, int i, int j, double factor, double[] out,
                                  int outOff) {
        for (int half = 0; half < 8; half += W) {
            DoubleVector xi = fromArray(S, x, i + half);
            DoubleVector xj = fromArray(S, x, j + half);
            DoubleVector g = fromArray(S, r, w + half).mul(xi).mul(xj)
                    .sub(fromArray(S, r, i + half).mul(xj).add(xi.mul(fromArray(S, r, j + half))).mul(0.5));
            g.mul(factor).intoArray(out, outOff + half);
        }
    }

    @Override
    public void unscaledResidualRows(double[] p, double[] q, int qOff, double[] r, double[] scale, double[] t,
                                     double[] sigma, boolean subtract, double[] u, int uOff, int count,
                                     double[] maxima, double[] sums, double[] sums2) {
        // The second sum is always taken (over p when it is not wanted, any array of count rows): a vector
        // updated only under a condition is boxed at every row.
        double[] forSums2 = sums2 != null ? u : p;
        for (int half = 0; half < 8; half += W) {
            DoubleVector tv = fromArray(S, t, half);
            DoubleVector sg = fromArray(S, sigma, half);
            DoubleVector m0 = DoubleVector.zero(S);
            DoubleVector m1 = m0;
            DoubleVector m2 = m0;
            DoubleVector m3 = m0;
            DoubleVector m4 = m0;
            DoubleVector m5 = m0;
            DoubleVector m6 = m0;
            DoubleVector s1 = m0;
            DoubleVector s2 = m0;
            for (int x = half; x < count * 8; x += 8) {
                DoubleVector f = DoubleVector.broadcast(S, 1.0).div(fromArray(S, scale, x));
                DoubleVector px = fromArray(S, p, x);
                DoubleVector rx = fromArray(S, r, x);
                DoubleVector a = px.mul(f);
                DoubleVector v = fromArray(S, q, qOff + x).mul(f);
                DoubleVector w = rx.mul(f).div(sg);
                DoubleVector av = a.add(v);
                DoubleVector avt = av.mul(tv);
                DoubleVector res = subtract ? avt.sub(w) : avt.add(w);
                m0 = m0.max(res.lanewise(VectorOperators.ABS));
                m1 = m1.max(a.mul(tv).lanewise(VectorOperators.ABS));
                m2 = m2.max(v.mul(tv).lanewise(VectorOperators.ABS));
                m3 = m3.max(w.lanewise(VectorOperators.ABS));
                m4 = m4.max(av.div(sg).lanewise(VectorOperators.ABS));
                m5 = m5.max(a.div(sg).lanewise(VectorOperators.ABS));
                m6 = m6.max(v.div(sg).lanewise(VectorOperators.ABS));
                s1 = s1.add(rx.mul(fromArray(S, u, uOff + x)));
                s2 = s2.add(px.mul(fromArray(S, forSums2, x)));
            }
            m0.intoArray(maxima, half);
            m1.intoArray(maxima, 8 + half);
            m2.intoArray(maxima, 16 + half);
            m3.intoArray(maxima, 24 + half);
            m4.intoArray(maxima, 32 + half);
            m5.intoArray(maxima, 40 + half);
            m6.intoArray(maxima, 48 + half);
            s1.intoArray(sums, half);
            if (sums2 != null) {
                s2.intoArray(sums2, half);
            }
        }
    }
}
