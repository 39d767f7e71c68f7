// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/**
 * Solves L·D·Lᵀ·w = b in place with the factor of an {@link LdlFactor}, for {@code lanes}
 * right-hand sides batch-minor (the factor has one lane per right-hand-side lane, or one for all):
 * forward substitution with the sparse columns then the dense tail, the diagonal, and backward
 * substitution in reverse. 8-lane tiles use unrolled kernels that keep the lanes in registers.
 * No allocation.
 */
final class LdlSolver {
    private final LdlFactor f;
    private final LdlSymbolic sym;
    private final int lanes;
    private final int fl;
    private final int split;
    private final int tail;
    private final double[] lx;
    private final double[] dense;
    private final double[] invD;
    private final double[] tmp;
    /** The vector being solved (set by {@link #solve}). */
    private double[] z;

    LdlSolver(LdlFactor f, int lanes) {
        this.f = f;
        this.sym = f.sym;
        this.lanes = lanes;
        this.fl = f.fl;
        this.split = f.split;
        this.tail = f.tail;
        this.lx = f.lx;
        this.dense = f.dense;
        this.invD = f.invD;
        this.tmp = new double[lanes];
    }

    /** Solves in place; z holds size × lanes entries in the factor's (permuted) order. */
    void solve(double[] z) {
        this.z = z;
        int size = f.size;
        if (lanes == 1) {
            solveOne(z);
            return;
        }
        if (lanes == 8) {
            forward8(fl == 1);
        } else {
            forwardGeneric();
        }
        forwardTail();
        if (fl == 1) {
            for (int i = 0; i < size; i++) {
                double d = invD[i];
                int io = i * lanes;
                for (int l = 0; l < lanes; l++) {
                    z[io + l] *= d;
                }
            }
        } else {
            for (int t = 0; t < size * lanes; t++) {
                z[t] *= invD[t];
            }
        }
        backwardTail();
        if (lanes == 8) {
            backward8(fl == 1);
        } else {
            backwardGeneric();
        }
    }

    /**
     * {@link #solve} for one lane (one factor lane): the generic loops' operations in the same order,
     * without the lane loops.
     */
    private void solveOne(double[] z) {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        for (int i = 0; i < split; i++) {
            double zi = z[i];
            for (int q = lStart[i]; q < lStart[i + 1]; q++) {
                z[lRow[q]] -= lx[q] * zi;
            }
        }
        for (int c = 0; c < tail; c++) {
            double zc = z[split + c];
            int base = tailColumn(c) - c - 1;
            int off = split - base;
            for (int q = base + c + 1; q < base + tail; q++) {
                z[off + q] -= dense[q] * zc;
            }
        }
        int size = f.size;
        for (int i = 0; i < size; i++) {
            z[i] *= invD[i];
        }
        for (int c = tail - 1; c >= 0; c--) {
            int base = tailColumn(c) - c - 1;
            int off = split - base;
            double zc = z[split + c];
            for (int q = base + c + 1; q < base + tail; q++) {
                zc -= dense[q] * z[off + q];
            }
            z[split + c] = zc;
        }
        for (int i = split - 1; i >= 0; i--) {
            double zi = z[i];
            for (int q = lStart[i]; q < lStart[i + 1]; q++) {
                zi -= lx[q] * z[lRow[q]];
            }
            z[i] = zi;
        }
    }

    private int tailColumn(int c) {
        return f.tailColumn(c);
    }

    /** z[r] −= L(r, c)·z[c] over the dense tail's columns (contiguous rows). */
    void forwardTail() {
        int ls = fl == 1 ? 0 : 1;
        double[] zc = tmp;
        for (int c = 0; c < tail; c++) {
            int co = (split + c) * lanes;
            int base = (tailColumn(c) - c - 1) * fl;
            if (lanes == 8) {
                forwardTail8(co, base + (c + 1) * fl, co + 8, tail - c - 1);
                continue;
            }
            for (int l = 0; l < lanes; l++) {
                zc[l] = z[co + l];
            }
            for (int r = c + 1; r < tail; r++) {
                int ro = (split + r) * lanes;
                int qo = base + r * fl;
                for (int l = 0; l < lanes; l++) {
                    z[ro + l] -= dense[qo + l * ls] * zc[l];
                }
            }
        }
    }

    /** One tail column of {@link #forwardTail} for 8 lanes: z[zo + 8t ..] −= L(t)·z[co..co+8). */
    private void forwardTail8(int co, int lo, int zo, int count) {
        double z0 = z[co], z1 = z[co + 1], z2 = z[co + 2], z3 = z[co + 3];
        double z4 = z[co + 4], z5 = z[co + 5], z6 = z[co + 6], z7 = z[co + 7];
        if (fl == 1) {
            for (int t = 0; t < count; t++) {
                double v = dense[lo + t];
                int ro = zo + t * 8;
                z[ro] -= v * z0;
                z[ro + 1] -= v * z1;
                z[ro + 2] -= v * z2;
                z[ro + 3] -= v * z3;
                z[ro + 4] -= v * z4;
                z[ro + 5] -= v * z5;
                z[ro + 6] -= v * z6;
                z[ro + 7] -= v * z7;
            }
        } else {
            int end = count * 8;
            for (int t = 0; t < end; t += 8) {
                int qo = lo + t;
                int ro = zo + t;
                z[ro] -= dense[qo] * z0;
                z[ro + 1] -= dense[qo + 1] * z1;
                z[ro + 2] -= dense[qo + 2] * z2;
                z[ro + 3] -= dense[qo + 3] * z3;
                z[ro + 4] -= dense[qo + 4] * z4;
                z[ro + 5] -= dense[qo + 5] * z5;
                z[ro + 6] -= dense[qo + 6] * z6;
                z[ro + 7] -= dense[qo + 7] * z7;
            }
        }
    }

    /** z[c] −= Σ_r L(r, c)·z[r] over the dense tail's columns, last to first. */
    private void backwardTail() {
        int ls = fl == 1 ? 0 : 1;
        double[] zc = tmp;
        for (int c = tail - 1; c >= 0; c--) {
            int co = (split + c) * lanes;
            int base = (tailColumn(c) - c - 1) * fl;
            if (lanes == 8) {
                backwardTail8(co, base + (c + 1) * fl, co + 8, tail - c - 1);
                continue;
            }
            for (int l = 0; l < lanes; l++) {
                zc[l] = z[co + l];
            }
            for (int r = c + 1; r < tail; r++) {
                int ro = (split + r) * lanes;
                int qo = base + r * fl;
                for (int l = 0; l < lanes; l++) {
                    zc[l] -= dense[qo + l * ls] * z[ro + l];
                }
            }
            for (int l = 0; l < lanes; l++) {
                z[co + l] = zc[l];
            }
        }
    }

    /** One tail column of {@link #backwardTail} for 8 lanes. */
    private void backwardTail8(int co, int lo, int zo, int count) {
        double z0 = z[co], z1 = z[co + 1], z2 = z[co + 2], z3 = z[co + 3];
        double z4 = z[co + 4], z5 = z[co + 5], z6 = z[co + 6], z7 = z[co + 7];
        if (fl == 1) {
            for (int t = 0; t < count; t++) {
                double v = dense[lo + t];
                int ro = zo + t * 8;
                z0 -= v * z[ro];
                z1 -= v * z[ro + 1];
                z2 -= v * z[ro + 2];
                z3 -= v * z[ro + 3];
                z4 -= v * z[ro + 4];
                z5 -= v * z[ro + 5];
                z6 -= v * z[ro + 6];
                z7 -= v * z[ro + 7];
            }
        } else {
            int end = count * 8;
            for (int t = 0; t < end; t += 8) {
                int qo = lo + t;
                int ro = zo + t;
                z0 -= dense[qo] * z[ro];
                z1 -= dense[qo + 1] * z[ro + 1];
                z2 -= dense[qo + 2] * z[ro + 2];
                z3 -= dense[qo + 3] * z[ro + 3];
                z4 -= dense[qo + 4] * z[ro + 4];
                z5 -= dense[qo + 5] * z[ro + 5];
                z6 -= dense[qo + 6] * z[ro + 6];
                z7 -= dense[qo + 7] * z[ro + 7];
            }
        }
        z[co] = z0;
        z[co + 1] = z1;
        z[co + 2] = z2;
        z[co + 3] = z3;
        z[co + 4] = z4;
        z[co + 5] = z5;
        z[co + 6] = z6;
        z[co + 7] = z7;
    }

    /** z[r] −= L(r, i)·z[i] over the sparse columns i, any lane count (ls = 0: L shared). */
    private void forwardGeneric() {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int ls = fl == 1 ? 0 : 1;
        double[] zi = tmp;
        for (int i = 0; i < split; i++) {
            int io = i * lanes;
            for (int l = 0; l < lanes; l++) {
                zi[l] = z[io + l];
            }
            for (int q = lStart[i]; q < lStart[i + 1]; q++) {
                int qo = q * fl;
                int ro = lRow[q] * lanes;
                for (int l = 0; l < lanes; l++) {
                    z[ro + l] -= lx[qo + l * ls] * zi[l];
                }
            }
        }
    }

    /** z[i] −= Σ_r L(r, i)·z[r] over the sparse columns i, last to first. */
    private void backwardGeneric() {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int ls = fl == 1 ? 0 : 1;
        double[] zi = tmp;
        for (int i = split - 1; i >= 0; i--) {
            int io = i * lanes;
            for (int l = 0; l < lanes; l++) {
                zi[l] = z[io + l];
            }
            for (int q = lStart[i]; q < lStart[i + 1]; q++) {
                int qo = q * fl;
                int ro = lRow[q] * lanes;
                for (int l = 0; l < lanes; l++) {
                    zi[l] -= lx[qo + l * ls] * z[ro + l];
                }
            }
            for (int l = 0; l < lanes; l++) {
                z[io + l] = zi[l];
            }
        }
    }

    /** {@link #forwardGeneric} for 8 lanes, lanes in registers; L shared (one value) or per lane. */
    private void forward8(boolean sharedL) {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        for (int i = 0; i < split; i++) {
            int io = i * 8;
            double z0 = z[io], z1 = z[io + 1], z2 = z[io + 2], z3 = z[io + 3];
            double z4 = z[io + 4], z5 = z[io + 5], z6 = z[io + 6], z7 = z[io + 7];
            int end = lStart[i + 1];
            if (sharedL) {
                for (int q = lStart[i]; q < end; q++) {
                    double v = lx[q];
                    int ro = lRow[q] * 8;
                    z[ro] -= v * z0;
                    z[ro + 1] -= v * z1;
                    z[ro + 2] -= v * z2;
                    z[ro + 3] -= v * z3;
                    z[ro + 4] -= v * z4;
                    z[ro + 5] -= v * z5;
                    z[ro + 6] -= v * z6;
                    z[ro + 7] -= v * z7;
                }
            } else {
                for (int q = lStart[i]; q < end; q++) {
                    int qo = q * 8;
                    int ro = lRow[q] * 8;
                    z[ro] -= lx[qo] * z0;
                    z[ro + 1] -= lx[qo + 1] * z1;
                    z[ro + 2] -= lx[qo + 2] * z2;
                    z[ro + 3] -= lx[qo + 3] * z3;
                    z[ro + 4] -= lx[qo + 4] * z4;
                    z[ro + 5] -= lx[qo + 5] * z5;
                    z[ro + 6] -= lx[qo + 6] * z6;
                    z[ro + 7] -= lx[qo + 7] * z7;
                }
            }
        }
    }

    /** {@link #backwardGeneric} for 8 lanes, lanes in registers. */
    private void backward8(boolean sharedL) {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        for (int i = split - 1; i >= 0; i--) {
            int io = i * 8;
            double z0 = z[io], z1 = z[io + 1], z2 = z[io + 2], z3 = z[io + 3];
            double z4 = z[io + 4], z5 = z[io + 5], z6 = z[io + 6], z7 = z[io + 7];
            int end = lStart[i + 1];
            if (sharedL) {
                for (int q = lStart[i]; q < end; q++) {
                    double v = lx[q];
                    int ro = lRow[q] * 8;
                    z0 -= v * z[ro];
                    z1 -= v * z[ro + 1];
                    z2 -= v * z[ro + 2];
                    z3 -= v * z[ro + 3];
                    z4 -= v * z[ro + 4];
                    z5 -= v * z[ro + 5];
                    z6 -= v * z[ro + 6];
                    z7 -= v * z[ro + 7];
                }
            } else {
                for (int q = lStart[i]; q < end; q++) {
                    int qo = q * 8;
                    int ro = lRow[q] * 8;
                    z0 -= lx[qo] * z[ro];
                    z1 -= lx[qo + 1] * z[ro + 1];
                    z2 -= lx[qo + 2] * z[ro + 2];
                    z3 -= lx[qo + 3] * z[ro + 3];
                    z4 -= lx[qo + 4] * z[ro + 4];
                    z5 -= lx[qo + 5] * z[ro + 5];
                    z6 -= lx[qo + 6] * z[ro + 6];
                    z7 -= lx[qo + 7] * z[ro + 7];
                }
            }
            z[io] = z0;
            z[io + 1] = z1;
            z[io + 2] = z2;
            z[io + 3] = z3;
            z[io + 4] = z4;
            z[io + 5] = z5;
            z[io + 6] = z6;
            z[io + 7] = z7;
        }
    }
}
