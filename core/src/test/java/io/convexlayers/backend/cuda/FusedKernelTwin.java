// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import java.util.function.IntConsumer;

/**
 * The Java twin of {@code cl_hsde_fused} (cuda-kernels/fused.cu), emulated as the GPU runs it: block by
 * block, and inside a block phase by phase between the kernel's barriers, every thread of the block
 * running its share of the phase. A warp phase computes the 32 partial results of each lane's first warp
 * and combines them with the warp's butterfly ({@link KernelTwins#warpSum}). Dynamic shared memory is an
 * array of exactly the launch's size, so an index past it fails here as it would corrupt memory there.
 *
 * <p>{@link #reverseThreads} runs the threads of every phase in the opposite order: a result that
 * depends on it reads a value another thread writes in the same phase — a missing barrier.
 */
final class FusedKernelTwin {
    private static final int WARP = LaunchGeometry.WARP;

    /** Threads of a phase in descending order (tests set it to expose a missing barrier). */
    static volatile boolean reverseThreads;

    private FusedKernelTwin() {
    }

    /** Runs one launch with the arguments of {@code a} on {@code geometry} with {@code sharedBytes}. */
    static void run(CudaKernel.TwinArgs a, LaunchGeometry geometry, int sharedBytes) {
        new Launch(a, geometry, sharedBytes).run();
    }

    /** One launch: its arguments unpacked, the block being emulated, and the block's shared memory. */
    private static final class Launch {
        final int lanes, n, m, group, rowThreads, iterations, check, nnStart, nnEnd, hasP, sharedVals, kinvShared;
        final IPtr aRowStart, aColIdx, aValIdx, atRowStart, atColIdx, atValIdx, pRowStart, pColIdx, pValIdx;
        final double alpha, rhoX, tauWeight;
        final DPtr aVals, pVals, rhoY, kinv, g, v, u, p, rsk, rhsN, tmpM, workM, workN, workN2, d, e, bHat, cHat,
                sigma, magnitudes, stats;
        final IPtr active;
        final int blockThreads;
        final double[] kinvS;
        final int nm;
        final int len;
        int grp;

        Launch(CudaKernel.TwinArgs a, LaunchGeometry geometry, int sharedBytes) {
            lanes = a.i(0);
            n = a.i(1);
            m = a.i(2);
            group = a.i(3);
            rowThreads = a.i(4);
            iterations = a.i(5);
            check = a.i(6);
            nnStart = a.i(7);
            nnEnd = a.i(8);
            hasP = a.i(9);
            sharedVals = a.i(10);
            kinvShared = a.i(11);
            aRowStart = a.q(12);
            aColIdx = a.q(13);
            aValIdx = a.q(14);
            atRowStart = a.q(15);
            atColIdx = a.q(16);
            atValIdx = a.q(17);
            pRowStart = a.q(18);
            pColIdx = a.q(19);
            pValIdx = a.q(20);
            alpha = a.d(21);
            rhoX = a.d(22);
            tauWeight = a.d(23);
            aVals = a.p(24);
            pVals = a.p(25);
            rhoY = a.p(26);
            kinv = a.p(27);
            g = a.p(28);
            v = a.p(29);
            u = a.p(30);
            p = a.p(31);
            rsk = a.p(32);
            rhsN = a.p(33);
            tmpM = a.p(34);
            workM = a.p(35);
            workN = a.p(36);
            workN2 = a.p(37);
            d = a.p(38);
            e = a.p(39);
            bHat = a.p(40);
            cHat = a.p(41);
            sigma = a.p(42);
            magnitudes = a.p(43);
            stats = a.p(44);
            active = a.q(45);
            if (geometry == null || rowThreads % WARP != 0 || geometry.threadsPerBlock() != group * rowThreads) {
                throw new IllegalArgumentException("cl_hsde_fused: block of " + (geometry == null ? 0
                        : geometry.threadsPerBlock()) + " threads for " + group + " lanes x " + rowThreads);
            }
            blockThreads = geometry.threadsPerBlock();
            kinvS = new double[sharedBytes / 8];
            nm = n + m;
            len = nm + 1;
        }

        void run() {
            int groups = (lanes + group - 1) / group;
            for (grp = 0; grp < groups; grp++) {
                boolean any = false;
                for (int k = 0; k < group && grp * group + k < lanes; k++) {
                    any = any || active.get(grp * group + k) != 0;
                }
                if (!any) {
                    continue;
                }
                if (kinvShared != 0) {
                    phase(tid -> {
                        for (int q = tid; q < group * n * n; q += blockThreads) {
                            int k = q / (n * n);
                            int ij = q % (n * n);
                            int lk = grp * group + k;
                            kinvS[q] = lk < lanes ? kinv.get(ij * lanes + lk) : 0.0;
                        }
                    });
                }
                for (int it = 0; it < iterations; it++) {
                    boolean checkNow = check != 0 && it == iterations - 1;
                    warpPhase(this::normalize);
                    lanePhase(this::rhs);
                    lanePhase(this::reduce);
                    lanePhase(this::solve);
                    lanePhase(this::recover);
                    warpPhase(this::tau);
                    lanePhase((l, gi, r) -> tail(l, r, checkNow));
                }
                if (check != 0) {
                    lanePhase(this::products);
                    warpPhase(this::residuals);
                }
            }
        }

        /** Every thread of the block runs {@code body(threadIndex)}, in the order {@link #reverseThreads} says. */
        void phase(IntConsumer body) {
            for (int k = 0; k < blockThreads; k++) {
                body.accept(reverseThreads ? blockThreads - 1 - k : k);
            }
        }

        /** A phase of the live lanes' threads: body(lane, lane's index in the group, row thread r). */
        void lanePhase(LaneBody body) {
            phase(tid -> {
                int gi = tid / rowThreads;
                int r = tid % rowThreads;
                int l = grp * group + gi;
                if (l < lanes && active.get(l) != 0) {
                    body.run(l, gi, r);
                }
            });
        }

        /** A phase of each live lane's first warp, as one unit (its shuffles synchronize the warp). */
        void warpPhase(WarpBody body) {
            for (int k = 0; k < group; k++) {
                int gi = reverseThreads ? group - 1 - k : k;
                int l = grp * group + gi;
                if (l < lanes && active.get(l) != 0) {
                    body.run(l);
                }
            }
        }

        double row(int r, int l, IPtr rowStart, IPtr colIdx, IPtr valIdx, DPtr vals, DPtr x, int xOffset) {
            double s = 0;
            for (int q = rowStart.get(r); q < rowStart.get(r + 1); q++) {
                int k = valIdx.get(q);
                double av = sharedVals != 0 ? vals.get(k) : vals.get(k * lanes + l);
                s += av * x.get(xOffset + colIdx.get(q) * lanes + l);
            }
            return s;
        }

        void normalize(int l) {
            KernelTwins.laneNormalize(lanes, len, l, v);
        }

        void rhs(int l, int gi, int r) {
            for (int i = r; i < nm; i += rowThreads) {
                int t = i * lanes + l;
                if (i < n) {
                    double x = rhoX * v.get(t);
                    p.set(t, x);
                    rhsN.set(t, x);
                } else {
                    int k = t - n * lanes;
                    double x = -rhoY.get(k) * v.get(t);
                    p.set(t, x);
                    tmpM.set(k, x / rhoY.get(k));
                }
            }
        }

        void reduce(int l, int gi, int r) {
            for (int j = r; j < n; j += rowThreads) {
                int t = j * lanes + l;
                rhsN.set(t, rhsN.get(t) + row(j, l, atRowStart, atColIdx, atValIdx, aVals, tmpM, 0));
            }
        }

        void solve(int l, int gi, int r) {
            for (int i = r; i < n; i += rowThreads) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    double kij = kinvShared != 0 ? kinvS[(gi * n + i) * n + j] : kinv.get((i * n + j) * lanes + l);
                    s += kij * rhsN.get(j * lanes + l);
                }
                p.set(i * lanes + l, s);
            }
        }

        void recover(int l, int gi, int r) {
            for (int i = r; i < m; i += rowThreads) {
                int k = i * lanes + l;
                double ax = row(i, l, aRowStart, aColIdx, aValIdx, aVals, p, 0);
                p.set(n * lanes + k, (ax - p.get(n * lanes + k)) / rhoY.get(k));
            }
        }

        void tau(int l) {
            p.set(nm * lanes + l, KernelTwins.laneTauRoot(lanes, n, m, l, rhoX, rhoY, g, p, v, tauWeight));
        }

        void tail(int l, int r, boolean checkNow) {
            double tauT = p.get(nm * lanes + l);
            for (int i = r; i < len; i += rowThreads) {
                int t = i * lanes + l;
                double ut = p.get(t);
                if (i < nm) {
                    ut -= tauT * g.get(t);
                    p.set(t, ut);
                }
                double x = 2 * ut - v.get(t);
                if (i == nm || (i >= nnStart && i < nnEnd)) {
                    x = Math.max(x, 0.0);
                }
                u.set(t, x);
                if (checkNow) {
                    double w = i < n ? rhoX : (i < nm ? rhoY.get(t - n * lanes) : tauWeight);
                    rsk.set(t, w * (v.get(t) + x - 2 * ut));
                }
                v.set(t, v.get(t) + alpha * (x - ut));
            }
        }

        void products(int l, int gi, int r) {
            for (int i = r; i < m; i += rowThreads) {
                workM.set(i * lanes + l, row(i, l, aRowStart, aColIdx, aValIdx, aVals, u, 0));
            }
            for (int j = r; j < n; j += rowThreads) {
                int t = j * lanes + l;
                workN.set(t, row(j, l, atRowStart, atColIdx, atValIdx, aVals, u, n * lanes));
                workN2.set(t, hasP != 0 ? row(j, l, pRowStart, pColIdx, pValIdx, pVals, u, 0) : 0.0);
            }
        }

        void residuals(int l) {
            KernelTwins.laneResidualStats(lanes, n, m, l, workM, workN, workN2, u, rsk, d, e, bHat, cHat, sigma,
                    magnitudes, stats);
        }
    }

    /** The body of a phase for one thread of a live lane. */
    @FunctionalInterface
    private interface LaneBody {
        void run(int lane, int indexInGroup, int rowThread);
    }

    /** The body of a warp phase for one live lane. */
    @FunctionalInterface
    private interface WarpBody {
        void run(int lane);
    }
}
