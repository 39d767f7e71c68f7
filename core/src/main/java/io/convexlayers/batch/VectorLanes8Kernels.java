// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Lanes8Kernels} on 512-bit vectors (the JDK's incubating Vector API): one register per entry
 * of an 8-lane tile. Each vector operation is one of the scalar loop's operations applied to the
 * eight lanes at once (multiply, then add: never fused), so results are bit for bit the scalar
 * ones. Loaded only through {@link LaneSimd}, by name, when the JVM has the module; the species is
 * a constant so that the JIT compiles every operation to one instruction.
 */
public final class VectorLanes8Kernels implements Lanes8Kernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_512;

    /**
     * @throws IllegalStateException where the processor's preferred vectors are narrower than eight
     *                               doubles (the API would emulate them, far slower than scalar code)
     */
    public VectorLanes8Kernels() {
        int bits = DoubleVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits < S.vectorBitSize()) {
            throw new IllegalStateException("the processor's vectors are " + bits + "-bit, SIMD needs 512");
        }
    }

    private static DoubleVector at(double[] a, int offset) {
        return DoubleVector.fromArray(S, a, offset);
    }

    @Override
    public void multiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values, boolean shared,
                            double[] x, int xOff, double[] out, int outOff) {
        for (int j = 0; j < cols; j++) {
            if (!shared && TileSparse.fullColumns(j, cols, colStart, rowIndex)) {
                // A row's four terms are added in column order, as column by column would add them.
                DoubleVector x0 = at(x, xOff + j * 8);
                DoubleVector x1 = at(x, xOff + (j + 1) * 8);
                DoubleVector x2 = at(x, xOff + (j + 2) * 8);
                DoubleVector x3 = at(x, xOff + (j + 3) * 8);
                int len = colStart[j + 1] - colStart[j];
                int a0 = colStart[j] * 8;
                int a1 = colStart[j + 1] * 8;
                int a2 = colStart[j + 2] * 8;
                int a3 = colStart[j + 3] * 8;
                for (int i = 0; i < len; i++) {
                    int o = outOff + i * 8;
                    int t = i * 8;
                    DoubleVector acc = at(values, a0 + t).mul(x0).add(at(out, o));
                    acc = at(values, a1 + t).mul(x1).add(acc);
                    acc = at(values, a2 + t).mul(x2).add(acc);
                    at(values, a3 + t).mul(x3).add(acc).intoArray(out, o);
                }
                j += TileSparse.FULL_BLOCK - 1;
                continue;
            }
            DoubleVector xj = at(x, xOff + j * 8);
            int end = colStart[j + 1];
            if (shared) {
                for (int k = colStart[j]; k < end; k++) {
                    int o = outOff + rowIndex[k] * 8;
                    xj.mul(values[k]).add(at(out, o)).intoArray(out, o);
                }
            } else {
                for (int k = colStart[j]; k < end; k++) {
                    int o = outOff + rowIndex[k] * 8;
                    at(values, k * 8).mul(xj).add(at(out, o)).intoArray(out, o);
                }
            }
        }
    }

    @Override
    public void symmetricMultiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values, boolean shared,
                                     double[] x, int xOff, double[] out, int outOff) {
        for (int j = 0; j < cols; j++) {
            DoubleVector xj = at(x, xOff + j * 8);
            int oj = outOff + j * 8;
            // Column j's own output stays in a register: only this column's entries touch it now.
            DoubleVector accJ = at(out, oj);
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int i = rowIndex[k];
                DoubleVector a = shared ? DoubleVector.broadcast(S, values[k]) : at(values, k * 8);
                if (i == j) {
                    accJ = a.mul(xj).add(accJ);
                } else {
                    int oi = outOff + i * 8;
                    a.mul(xj).add(at(out, oi)).intoArray(out, oi);
                    accJ = a.mul(at(x, xOff + i * 8)).add(accJ);
                }
            }
            accJ.intoArray(out, oj);
        }
    }

    @Override
    public void transposeMultiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values, boolean shared,
                                     double[] y, int yOff, double[] out, int outOff) {
        for (int j = 0; j < cols; j++) {
            if (!shared && TileSparse.fullColumns(j, cols, colStart, rowIndex)) {
                // Four column sums at once, each in its own order: y is loaded once per row.
                DoubleVector s0 = DoubleVector.zero(S);
                DoubleVector s1 = s0;
                DoubleVector s2 = s0;
                DoubleVector s3 = s0;
                int len = colStart[j + 1] - colStart[j];
                int a0 = colStart[j] * 8;
                int a1 = colStart[j + 1] * 8;
                int a2 = colStart[j + 2] * 8;
                int a3 = colStart[j + 3] * 8;
                for (int i = 0; i < len; i++) {
                    DoubleVector yi = at(y, yOff + i * 8);
                    int t = i * 8;
                    s0 = s0.add(at(values, a0 + t).mul(yi));
                    s1 = s1.add(at(values, a1 + t).mul(yi));
                    s2 = s2.add(at(values, a2 + t).mul(yi));
                    s3 = s3.add(at(values, a3 + t).mul(yi));
                }
                int o = outOff + j * 8;
                at(out, o).add(s0).intoArray(out, o);
                at(out, o + 8).add(s1).intoArray(out, o + 8);
                at(out, o + 16).add(s2).intoArray(out, o + 16);
                at(out, o + 24).add(s3).intoArray(out, o + 24);
                j += TileSparse.FULL_BLOCK - 1;
                continue;
            }
            DoubleVector sum = DoubleVector.zero(S);
            int end = colStart[j + 1];
            if (shared) {
                for (int k = colStart[j]; k < end; k++) {
                    sum = sum.add(at(y, yOff + rowIndex[k] * 8).mul(values[k]));
                }
            } else {
                for (int k = colStart[j]; k < end; k++) {
                    sum = sum.add(at(values, k * 8).mul(at(y, yOff + rowIndex[k] * 8)));
                }
            }
            int o = outOff + j * 8;
            at(out, o).add(sum).intoArray(out, o);
        }
    }

    @Override
    public void forwardSolve(double[] factor, double[] scale, int n, boolean sharedFactor, double[] z, int off) {
        for (int i = 0; i < n; i++) {
            int row = i * (i + 1) / 2;
            int zi = off + i * 8;
            DoubleVector s = at(z, zi);
            if (sharedFactor) {
                for (int k = 0; k < i; k++) {
                    s = s.sub(at(z, off + k * 8).mul(factor[row + k]));
                }
                s = s.mul(scale == null ? 1.0 : scale[i]);
            } else {
                int ri = row * 8;
                for (int t = 0; t < i * 8; t += 8) {
                    s = s.sub(at(factor, ri + t).mul(at(z, off + t)));
                }
                if (scale != null) {
                    s = s.mul(at(scale, i * 8));
                }
            }
            s.intoArray(z, zi);
        }
    }

    @Override
    public void backwardSolve(double[] factor, double[] scale, int n, boolean sharedFactor, double[] z, int off) {
        for (int i = n - 1; i >= 0; i--) {
            int row = i * (i + 1) / 2;
            int zi = off + i * 8;
            DoubleVector v = at(z, zi);
            if (sharedFactor) {
                v = v.mul(scale == null ? 1.0 : scale[i]);
                v.intoArray(z, zi);
                for (int k = 0; k < i; k++) {
                    int zo = off + k * 8;
                    at(z, zo).sub(v.mul(factor[row + k])).intoArray(z, zo);
                }
            } else {
                if (scale != null) {
                    v = v.mul(at(scale, i * 8));
                    v.intoArray(z, zi);
                }
                int ri = row * 8;
                for (int t = 0; t < i * 8; t += 8) {
                    int zo = off + t;
                    at(z, zo).sub(at(factor, ri + t).mul(v)).intoArray(z, zo);
                }
            }
        }
    }

    @Override
    public void dotAdd(double[] panel, int pa, int pb, int stride, double[] out, int o) {
        DoubleVector sum = DoubleVector.zero(S);
        for (int q = 0; q < stride; q += 8) {
            sum = sum.add(at(panel, pa + q).mul(at(panel, pb + q)));
        }
        at(out, o).add(sum).intoArray(out, o);
    }

    @Override
    public void accumulateNorms(int cols, int[] colStart, int[] rowIndex, double[] values, double[] rowNorm,
                                double[] colNorm, boolean l2, boolean symmetric) {
        for (int j = 0; j < cols; j++) {
            int jo = j * 8;
            // Column j's norm stays in a register: within column j only rows other than j are written.
            DoubleVector col = at(colNorm, jo);
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int i = rowIndex[k];
                DoubleVector v = at(values, k * 8);
                DoubleVector w = l2 ? v.mul(v) : v.lanewise(VectorOperators.ABS);
                double[] other = symmetric ? (i != j ? colNorm : null) : rowNorm;
                if (l2) {
                    col = col.add(w);
                    if (other != null) {
                        at(other, i * 8).add(w).intoArray(other, i * 8);
                    }
                } else {
                    col = col.max(w);
                    if (other != null) {
                        at(other, i * 8).max(w).intoArray(other, i * 8);
                    }
                }
            }
            col.intoArray(colNorm, jo);
        }
    }

    @Override
    public void applyFactors(int cols, int[] colStart, int[] rowIndex, double[] values, double[] rowFactor,
                             double[] colFactor) {
        for (int j = 0; j < cols; j++) {
            DoubleVector cj = at(colFactor, j * 8);
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int ko = k * 8;
                at(values, ko).mul(at(rowFactor, rowIndex[k] * 8).mul(cj)).intoArray(values, ko);
            }
        }
    }

    @Override
    public void sumSquares(double[] v, int count, double[] acc) {
        DoubleVector sum = at(acc, 0);
        for (int i = 0; i < count * 8; i += 8) {
            DoubleVector x = at(v, i);
            sum = sum.add(x.mul(x));
        }
        sum.intoArray(acc, 0);
    }

    @Override
    public void scaleLanes(double[] v, int count, double[] factor) {
        DoubleVector f = at(factor, 0);
        for (int i = 0; i < count * 8; i += 8) {
            at(v, i).mul(f).intoArray(v, i);
        }
    }

    @Override
    public void tauCoefficients(double[] r, double[] g, double[] p, double[] mu, int count, double[] a, double[] b,
                                double[] c) {
        DoubleVector sa = at(a, 0);
        DoubleVector sb = at(b, 0);
        DoubleVector sc = at(c, 0);
        for (int i = 0; i < count * 8; i += 8) {
            DoubleVector ri = at(r, i);
            DoubleVector gi = at(g, i);
            DoubleVector pi = at(p, i);
            DoubleVector mi = at(mu, i);
            sa = sa.add(ri.mul(gi).mul(gi));
            sb = sb.add(ri.mul(mi.mul(gi).sub(pi.mul(2.0).mul(gi))));
            sc = sc.add(ri.mul(pi).mul(pi.sub(mi)));
        }
        sa.intoArray(a, 0);
        sb.intoArray(b, 0);
        sc.intoArray(c, 0);
    }

    @Override
    public void subtractScaled(double[] u, double[] factor, double[] g, int count) {
        DoubleVector f = at(factor, 0);
        for (int i = 0; i < count * 8; i += 8) {
            at(u, i).sub(f.mul(at(g, i))).intoArray(u, i);
        }
    }
}
