// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/**
 * Solves L·D·Lᵀ·w = b in place with the factor of an {@link LdlFactor}, for {@code lanes}
 * right-hand sides batch-minor (the factor has one lane per right-hand-side lane, or one for all):
 * forward substitution with the sparse columns then the dense tail, the diagonal, and backward
 * substitution in reverse. 8-lane tiles use unrolled kernels that keep the lanes in registers.
 * No allocation.
 *
 * <p>Backward substitution subtracts a column's terms L(r, c)·z[r] four at a time, as
 * {@code ((t0 + t1) + (t2 + t3))}, then the last one to three alone: the running value then waits on
 * one subtraction per four entries instead of one per entry, which is what limits a single lane (one
 * chain of dependent subtractions; four times fewer on CVXQP1_M's 323-column dense tail). Every width
 * groups by the same positions in the column, so a lane's result is the same bits whatever the tile
 * width (lane compaction relies on it).
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
            int q = base + c + 1;
            int end = base + tail;
            for (; q + 4 <= end; q += 4) {
                zc -= group(dense[q], z[off + q], dense[q + 1], z[off + q + 1],
                        dense[q + 2], z[off + q + 2], dense[q + 3], z[off + q + 3]);
            }
            for (; q < end; q++) {
                zc -= dense[q] * z[off + q];
            }
            z[split + c] = zc;
        }
        for (int i = split - 1; i >= 0; i--) {
            double zi = z[i];
            int q = lStart[i];
            int end = lStart[i + 1];
            for (; q + 4 <= end; q += 4) {
                zi -= group(lx[q], z[lRow[q]], lx[q + 1], z[lRow[q + 1]],
                        lx[q + 2], z[lRow[q + 2]], lx[q + 3], z[lRow[q + 3]]);
            }
            for (; q < end; q++) {
                zi -= lx[q] * z[lRow[q]];
            }
            z[i] = zi;
        }
    }

    /**
     * Four terms of a backward-substitution sum, added pairwise: the one order every width uses for a
     * group (see the class comment).
     */
    private static double group(double a0, double b0, double a1, double b1, double a2, double b2, double a3,
                                double b3) {
        return (a0 * b0 + a1 * b1) + (a2 * b2 + a3 * b3);
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
            int r = c + 1;
            for (; r + 4 <= tail; r += 4) {
                int ro = (split + r) * lanes;
                int qo = base + r * fl;
                for (int l = 0; l < lanes; l++) {
                    int a = qo + l * ls;
                    int b = ro + l;
                    zc[l] -= group(dense[a], z[b], dense[a + fl], z[b + lanes],
                            dense[a + 2 * fl], z[b + 2 * lanes], dense[a + 3 * fl], z[b + 3 * lanes]);
                }
            }
            for (; r < tail; r++) {
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
        int t = 0;
        if (fl == 1) {
            for (; t + 4 <= count; t += 4) {
                int q = lo + t;
                double v0 = dense[q], v1 = dense[q + 1], v2 = dense[q + 2], v3 = dense[q + 3];
                int ro = zo + t * 8;
                z0 -= group(v0, z[ro], v1, z[ro + 8], v2, z[ro + 16], v3, z[ro + 24]);
                z1 -= group(v0, z[ro + 1], v1, z[ro + 9], v2, z[ro + 17], v3, z[ro + 25]);
                z2 -= group(v0, z[ro + 2], v1, z[ro + 10], v2, z[ro + 18], v3, z[ro + 26]);
                z3 -= group(v0, z[ro + 3], v1, z[ro + 11], v2, z[ro + 19], v3, z[ro + 27]);
                z4 -= group(v0, z[ro + 4], v1, z[ro + 12], v2, z[ro + 20], v3, z[ro + 28]);
                z5 -= group(v0, z[ro + 5], v1, z[ro + 13], v2, z[ro + 21], v3, z[ro + 29]);
                z6 -= group(v0, z[ro + 6], v1, z[ro + 14], v2, z[ro + 22], v3, z[ro + 30]);
                z7 -= group(v0, z[ro + 7], v1, z[ro + 15], v2, z[ro + 23], v3, z[ro + 31]);
            }
            for (; t < count; t++) {
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
            // Per-lane factor: row t's eight values at lo + 8t, its right-hand sides at zo + 8t.
            for (; t + 4 <= count; t += 4) {
                int q = lo + t * 8;
                int ro = zo + t * 8;
                z0 -= group(dense[q], z[ro], dense[q + 8], z[ro + 8], dense[q + 16], z[ro + 16], dense[q + 24], z[ro + 24]);
                z1 -= group(dense[q + 1], z[ro + 1], dense[q + 9], z[ro + 9], dense[q + 17], z[ro + 17], dense[q + 25],
                        z[ro + 25]);
                z2 -= group(dense[q + 2], z[ro + 2], dense[q + 10], z[ro + 10], dense[q + 18], z[ro + 18], dense[q + 26],
                        z[ro + 26]);
                z3 -= group(dense[q + 3], z[ro + 3], dense[q + 11], z[ro + 11], dense[q + 19], z[ro + 19], dense[q + 27],
                        z[ro + 27]);
                z4 -= group(dense[q + 4], z[ro + 4], dense[q + 12], z[ro + 12], dense[q + 20], z[ro + 20], dense[q + 28],
                        z[ro + 28]);
                z5 -= group(dense[q + 5], z[ro + 5], dense[q + 13], z[ro + 13], dense[q + 21], z[ro + 21], dense[q + 29],
                        z[ro + 29]);
                z6 -= group(dense[q + 6], z[ro + 6], dense[q + 14], z[ro + 14], dense[q + 22], z[ro + 22], dense[q + 30],
                        z[ro + 30]);
                z7 -= group(dense[q + 7], z[ro + 7], dense[q + 15], z[ro + 15], dense[q + 23], z[ro + 23], dense[q + 31],
                        z[ro + 31]);
            }
            for (; t < count; t++) {
                int qo = lo + t * 8;
                int ro = zo + t * 8;
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
            int q = lStart[i];
            int end = lStart[i + 1];
            for (; q + 4 <= end; q += 4) {
                int q0 = q * fl;
                int r0 = lRow[q] * lanes;
                int r1 = lRow[q + 1] * lanes;
                int r2 = lRow[q + 2] * lanes;
                int r3 = lRow[q + 3] * lanes;
                for (int l = 0; l < lanes; l++) {
                    int a = q0 + l * ls;
                    zi[l] -= group(lx[a], z[r0 + l], lx[a + fl], z[r1 + l], lx[a + 2 * fl], z[r2 + l],
                            lx[a + 3 * fl], z[r3 + l]);
                }
            }
            for (; q < end; q++) {
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
            int q = lStart[i];
            if (sharedL) {
                for (; q + 4 <= end; q += 4) {
                    double v0 = lx[q], v1 = lx[q + 1], v2 = lx[q + 2], v3 = lx[q + 3];
                    int r0 = lRow[q] * 8, r1 = lRow[q + 1] * 8, r2 = lRow[q + 2] * 8, r3 = lRow[q + 3] * 8;
                    z0 -= group(v0, z[r0], v1, z[r1], v2, z[r2], v3, z[r3]);
                    z1 -= group(v0, z[r0 + 1], v1, z[r1 + 1], v2, z[r2 + 1], v3, z[r3 + 1]);
                    z2 -= group(v0, z[r0 + 2], v1, z[r1 + 2], v2, z[r2 + 2], v3, z[r3 + 2]);
                    z3 -= group(v0, z[r0 + 3], v1, z[r1 + 3], v2, z[r2 + 3], v3, z[r3 + 3]);
                    z4 -= group(v0, z[r0 + 4], v1, z[r1 + 4], v2, z[r2 + 4], v3, z[r3 + 4]);
                    z5 -= group(v0, z[r0 + 5], v1, z[r1 + 5], v2, z[r2 + 5], v3, z[r3 + 5]);
                    z6 -= group(v0, z[r0 + 6], v1, z[r1 + 6], v2, z[r2 + 6], v3, z[r3 + 6]);
                    z7 -= group(v0, z[r0 + 7], v1, z[r1 + 7], v2, z[r2 + 7], v3, z[r3 + 7]);
                }
                for (; q < end; q++) {
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
                for (; q + 4 <= end; q += 4) {
                    int a = q * 8;
                    int r0 = lRow[q] * 8, r1 = lRow[q + 1] * 8, r2 = lRow[q + 2] * 8, r3 = lRow[q + 3] * 8;
                    z0 -= group(lx[a], z[r0], lx[a + 8], z[r1], lx[a + 16], z[r2], lx[a + 24], z[r3]);
                    z1 -= group(lx[a + 1], z[r0 + 1], lx[a + 9], z[r1 + 1], lx[a + 17], z[r2 + 1], lx[a + 25], z[r3 + 1]);
                    z2 -= group(lx[a + 2], z[r0 + 2], lx[a + 10], z[r1 + 2], lx[a + 18], z[r2 + 2], lx[a + 26], z[r3 + 2]);
                    z3 -= group(lx[a + 3], z[r0 + 3], lx[a + 11], z[r1 + 3], lx[a + 19], z[r2 + 3], lx[a + 27], z[r3 + 3]);
                    z4 -= group(lx[a + 4], z[r0 + 4], lx[a + 12], z[r1 + 4], lx[a + 20], z[r2 + 4], lx[a + 28], z[r3 + 4]);
                    z5 -= group(lx[a + 5], z[r0 + 5], lx[a + 13], z[r1 + 5], lx[a + 21], z[r2 + 5], lx[a + 29], z[r3 + 5]);
                    z6 -= group(lx[a + 6], z[r0 + 6], lx[a + 14], z[r1 + 6], lx[a + 22], z[r2 + 6], lx[a + 30], z[r3 + 6]);
                    z7 -= group(lx[a + 7], z[r0 + 7], lx[a + 15], z[r1 + 7], lx[a + 23], z[r2 + 7], lx[a + 31], z[r3 + 7]);
                }
                for (; q < end; q++) {
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
