// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.solver.ipm.InteriorPointConstants;

import java.util.function.IntConsumer;

/**
 * The Java twin of {@code cl_ipm_solve} and {@code cl_ipm_scatter} (cuda-kernels/ipm.cu, ipm.cuh), emulated
 * as the GPU runs them: one block per lane, every phase between barriers run thread by thread, each
 * block reduction formed from the threads' strided partials, a butterfly per warp
 * ({@link KernelTwins#warpSum}, {@link KernelTwins#warpMax}) and the warps' results in order, so the
 * twin performs the kernel's operations in the kernel's order. Dynamic shared memory is an array of
 * exactly the launch's size laid out as the kernel lays it out, so an index past a region fails here as
 * it would corrupt memory there; {@link #reverseThreads} runs the threads of the factorization's
 * phases (the only phases where threads read each other's shared-memory writes) in the opposite order,
 * to expose a missing barrier.
 */
final class IpmKernelTwin {
    private static final int WARP = LaunchGeometry.WARP;
    /** Status codes of the kernel: SolverStatus ordinals, then "solve on the host". */
    static final int NONE = -1;
    static final int SOLVED = 0;
    static final int SOLVED_INACCURATE = 1;
    static final int INFEASIBLE = 2;
    static final int INFEASIBLE_INACCURATE = 3;
    static final int UNBOUNDED = 4;
    static final int UNBOUNDED_INACCURATE = 5;
    static final int FAILED = 6;
    static final int RETRY = 7;
    private static final int PANEL = 16;
    private static final int TILE = 4;

    /** Threads of the factorization's phases in descending order (tests set it to expose a missing barrier). */
    static volatile boolean reverseThreads;

    private IpmKernelTwin() {
    }

    /** {@code cl_ipm_scatter}: sparse values to dense lane copies. */
    static void scatter(CudaKernel.TwinArgs a) {
        int nnz = a.i(0);
        int valueLanes = a.i(1);
        int cols = a.i(2);
        int laneStride = a.i(3);
        int symmetric = a.i(4);
        IPtr entryRow = a.q(5);
        IPtr entryCol = a.q(6);
        DPtr vals = a.p(7);
        DPtr dense = a.p(8);
        for (int t = 0; t < nnz * valueLanes; t++) {
            int q = t / valueLanes;
            int k = t % valueLanes;
            int r = entryRow.get(q);
            int c = entryCol.get(q);
            double v = vals.get(t);
            dense.set(k * laneStride + r * cols + c, v);
            if (symmetric != 0 && r != c) {
                dense.set(k * laneStride + c * cols + r, v);
            }
        }
    }

    /** {@code cl_ipm_solve} with the launch's geometry and dynamic shared memory. */
    static void solve(CudaKernel.TwinArgs a, LaunchGeometry geometry, int sharedBytes) {
        int lanes = a.i(0);
        int n = a.i(1);
        int m = a.i(2);
        int zero = a.i(3);
        if (geometry == null || geometry.threadsPerBlock() % WARP != 0) {
            throw new IllegalArgumentException("cl_ipm_solve: a block must be whole warps");
        }
        int threads = geometry.threadsPerBlock();
        long needed = DeviceInteriorPoint.sharedBytes(n, zero);
        if (sharedBytes < needed) {
            throw new IllegalArgumentException("cl_ipm_solve: " + sharedBytes + " bytes of shared memory, needs " + needed);
        }
        for (int l = 0; l < lanes; l++) {
            new Block(a, l, threads, n, m, zero).run();
        }
    }

    /** One block solving lane {@code l}: the kernel's ClIpm. */
    private static final class Block {
        final int lanes, l, T, n, m, zero, N, hasP, linear;
        final DPtr prm, aDense, pDense, bRaw, cRaw, d, e, out;
        final int aOff, pOff, fStride, fOff;
        // Shared memory: K (N x N), rS, yS, piv, colf (N each), the panel (2 PANEL n); perm (N) and sel (1).
        final double[] K;
        final double[] rS;
        final double[] yS;
        final double[] piv;
        final double[] colf;
        final double[] panel;
        final double[] scratch = new double[DeviceInteriorPoint.MAX_THREADS];
        final int[] perm;
        final int[] sel = new int[1];
        // The lane's vectors (global memory).
        final DPtr b, c, x, z, s, px, ax, atz, rx, rz, x1, z1, x2, z2, dx, dz, ds, dxa, dza, dsa, rhsX, rhsZ, dsT, wM,
                wM2, xP, zP, sP, w, lam, resX, resZ, cx, cz, t, tN, tM;
        double cs = 1;
        double aMax, apMax;
        double tau = 1, kappa = 1, tauP = 1, kappaP = 1, dTau, dKappa;
        final double[] stats = new double[17];
        boolean retry;
        int solves;

        Block(CudaKernel.TwinArgs a, int l, int threads, int n, int m, int zero) {
            this.lanes = a.i(0);
            this.l = l;
            this.T = threads;
            this.n = n;
            this.m = m;
            this.zero = zero;
            this.N = n + zero;
            this.hasP = a.i(4);
            this.linear = hasP == 0 ? 1 : 0;
            this.aOff = l * a.i(5);
            this.pOff = l * a.i(6);
            this.fStride = a.i(7) != 0 ? 1 : lanes;
            this.fOff = a.i(7) != 0 ? 0 : l;
            this.prm = a.p(8);
            this.aDense = a.p(9);
            this.pDense = a.p(10);
            this.bRaw = a.p(11);
            this.cRaw = a.p(12);
            this.d = a.p(13);
            this.e = a.p(14);
            DPtr work = a.p(15);
            this.out = a.p(16);
            int nc = Math.max(N, n);
            K = new double[nc * nc];
            rS = new double[nc];
            yS = new double[nc];
            piv = new double[nc];
            colf = new double[nc];
            panel = new double[2 * PANEL * n];
            perm = new int[nc];
            int[] q = {work.o() + l * DeviceInteriorPoint.laneDoubles(n, m)};
            double[] wa = work.a();
            b = vec(wa, q, m);
            c = vec(wa, q, n);
            x = vec(wa, q, n);
            z = vec(wa, q, m);
            s = vec(wa, q, m);
            px = vec(wa, q, n);
            ax = vec(wa, q, m);
            atz = vec(wa, q, n);
            rx = vec(wa, q, n);
            rz = vec(wa, q, m);
            x1 = vec(wa, q, n);
            z1 = vec(wa, q, m);
            x2 = vec(wa, q, n);
            z2 = vec(wa, q, m);
            dx = vec(wa, q, n);
            dz = vec(wa, q, m);
            ds = vec(wa, q, m);
            dxa = vec(wa, q, n);
            dza = vec(wa, q, m);
            dsa = vec(wa, q, m);
            rhsX = vec(wa, q, n);
            rhsZ = vec(wa, q, m);
            dsT = vec(wa, q, m);
            wM = vec(wa, q, m);
            wM2 = vec(wa, q, m);
            xP = vec(wa, q, n);
            zP = vec(wa, q, m);
            sP = vec(wa, q, m);
            w = vec(wa, q, m);
            lam = vec(wa, q, m);
            resX = vec(wa, q, n);
            resZ = vec(wa, q, m);
            cx = vec(wa, q, n);
            cz = vec(wa, q, m);
            t = vec(wa, q, m);
            tN = vec(wa, q, n);
            tM = vec(wa, q, m);
        }

        private static DPtr vec(double[] a, int[] q, int len) {
            DPtr v = new DPtr(a, q[0]);
            q[0] += len;
            return v;
        }

        double dAt(int i) {
            return d.get(i * fStride + fOff);
        }

        double eAt(int j) {
            return e.get(j * fStride + fOff);
        }

        double a(int i, int j) {
            return aDense.get(aOff + i * n + j);
        }

        double p(int i, int j) {
            return pDense.get(pOff + i * n + j);
        }

        void run() {
            int[] iters = {0};
            int status;
            if (!prepare()) {
                java.util.Arrays.fill(stats, Double.NaN);
                status = FAILED;
            } else {
                status = solve(iters);
            }
            int o = l * DeviceInteriorPoint.outWidth(n, m);
            for (int j = 0; j < n; j++) {
                out.set(o + j, x.get(j));
                out.set(o + n + 3 * m + j, eAt(j));
            }
            for (int i = 0; i < m; i++) {
                out.set(o + n + i, z.get(i));
                out.set(o + n + m + i, s.get(i));
                out.set(o + n + 2 * m + i, dAt(i));
            }
            int r = o + 2 * n + 3 * m;
            for (int k = 0; k < 17; k++) {
                out.set(r + k, stats[k]);
            }
            out.set(r + 17, tau);
            out.set(r + 18, kappa);
            out.set(r + 19, cs);
            out.set(r + 20, status);
            out.set(r + 21, iters[0]);
            out.set(r + 22, solves);
        }

        // ---- block reductions ----

        /** Partials of thread tid for each value: the caller's strided loops. */
        interface Partials {
            void of(int tid, double[] out);
        }

        /** cl_block_reduce: bit k of maxMask set → maximum, else sum. */
        double[] reduce(int count, int maxMask, double[] init, Partials body) {
            double[][] perThread = new double[T][];
            for (int tid = 0; tid < T; tid++) {
                double[] v = init.clone();
                body.of(tid, v);
                perThread[tid] = v;
            }
            int warps = T / WARP;
            double[] out = new double[count];
            double[] lanesV = new double[WARP];
            for (int k = 0; k < count; k++) {
                boolean mx = ((maxMask >>> k) & 1) != 0;
                double r = 0;
                for (int wi = 0; wi < warps; wi++) {
                    for (int q = 0; q < WARP; q++) {
                        lanesV[q] = perThread[wi * WARP + q][k];
                    }
                    double wv = mx ? KernelTwins.warpMax(lanesV) : KernelTwins.warpSum(lanesV);
                    r = wi == 0 ? wv : mx ? max(r, wv) : r + wv;
                }
                out[k] = r;
            }
            return out;
        }

        double blockMax(double init, IntLoop body) {
            return reduce(1, 1, new double[] {init}, (tid, v) -> v[0] = body.of(tid, v[0]))[0];
        }

        double blockMin(double init, IntLoop body) {
            return -blockMax(-init, (tid, acc) -> -body.of(tid, -acc));
        }

        double blockSum(IntLoop body) {
            return reduce(1, 0, new double[] {0}, (tid, v) -> v[0] = body.of(tid, v[0]))[0];
        }

        /** A thread's strided accumulation: the partial after the thread's rows, from {@code acc}. */
        interface IntLoop {
            double of(int tid, double acc);
        }

        // ---- products ----

        static final int MUL_A = 0;
        static final int MUL_AT = 1;
        static final int MUL_P = 2;

        double dot(int mode, DPtr v, int o, int k0, int k1) {
            double sum = 0;
            for (int k = k0; k < k1; k++) {
                double coef = mode == MUL_A ? a(o, k) : mode == MUL_AT ? a(k, o) : cs * p(o, k);
                sum += coef * v.get(k);
            }
            return sum;
        }

        /** cl_ipm_apply: chunks of the inner range, partial sums in scratch, added in chunk order. */
        void apply(int mode, DPtr v, DPtr out, int outputs, int inner, int zeroRows) {
            int chunks = outputs > 0 ? Math.min(8, Math.max(1, T / outputs)) : 1;
            if (chunks == 1) {
                for (int o = 0; o < outputs; o++) {
                    out.set(o, o < zeroRows ? 0 : dot(mode, v, o, 0, inner));
                }
                return;
            }
            phase(tid -> {
                int o = tid % outputs;
                int c = tid / outputs;
                if (c < chunks) {
                    int k0 = (int) ((long) c * inner / chunks);
                    int k1 = (int) ((long) (c + 1) * inner / chunks);
                    scratch[c * outputs + o] = o < zeroRows ? 0 : dot(mode, v, o, k0, k1);
                }
            });
            phase(tid -> {
                for (int q = tid; q < outputs; q += T) {
                    double acc = scratch[q];
                    for (int k = 1; k < chunks; k++) {
                        acc += scratch[k * outputs + q];
                    }
                    out.set(q, acc);
                }
            });
        }

        void mulA(DPtr xv, DPtr out, int rows, int zeroRows) {
            apply(MUL_A, xv, out, rows, n, zeroRows);
        }

        void mulAt(DPtr y, DPtr out) {
            apply(MUL_AT, y, out, n, m, 0);
        }

        void mulP(DPtr xv, DPtr out) {
            if (hasP != 0) {
                apply(MUL_P, xv, out, n, n, 0);
                return;
            }
            for (int j = 0; j < n; j++) {
                out.set(j, 0);
            }
        }

        // ---- the factorization (cl_ipm_ldl, cl_ipm_ldl_solve) ----

        void phase(IntConsumer body) {
            for (int k = 0; k < T; k++) {
                body.accept(reverseThreads ? T - 1 - k : k);
            }
        }

        double ldl(int order, int positive, double eps, double delta) {
            phase(tid -> {
                for (int i = tid; i < order; i += T) {
                    perm[i] = i;
                }
            });
            double smallest = Double.POSITIVE_INFINITY;
            for (int k = 0; k < order; k++) {
                final int kk = k;
                // Warp 0: the largest remaining diagonal entry, the first on ties.
                double[] best = new double[WARP];
                int[] idx = new int[WARP];
                for (int q = 0; q < WARP; q++) {
                    best[q] = -1;
                    idx[q] = order;
                    for (int i = k + q; i < order; i += WARP) {
                        double v = Math.abs(K[i * order + i]);
                        if (v > best[q]) {
                            best[q] = v;
                            idx[q] = i;
                        }
                    }
                }
                for (int o = WARP / 2; o > 0; o >>= 1) {
                    double[] nb = new double[WARP];
                    int[] ni = new int[WARP];
                    for (int q = 0; q < WARP; q++) {
                        double ob = best[q ^ o];
                        int oi = idx[q ^ o];
                        boolean take = ob > best[q] || (ob == best[q] && oi < idx[q]);
                        nb[q] = take ? ob : best[q];
                        ni[q] = take ? oi : idx[q];
                    }
                    best = nb;
                    idx = ni;
                }
                sel[0] = idx[0] == order ? k : idx[0];
                int p = sel[0];
                if (p != k) {
                    phase(tid -> {
                        for (int j = tid; j < order; j += T) {
                            double tmp = K[kk * order + j];
                            K[kk * order + j] = K[p * order + j];
                            K[p * order + j] = tmp;
                        }
                    });
                    phase(tid -> {
                        for (int i = kk + tid; i < order; i += T) {
                            double tmp = K[i * order + kk];
                            K[i * order + kk] = K[i * order + p];
                            K[i * order + p] = tmp;
                        }
                        if (tid == 0) {
                            int tmp = perm[kk];
                            perm[kk] = perm[p];
                            perm[p] = tmp;
                        }
                    });
                }
                double dk = K[k * order + k];
                smallest = min(smallest, dk);
                boolean wantPositive = perm[k] < positive;
                if (wantPositive ? !(dk > eps) : !(dk < -eps)) {
                    dk = wantPositive ? delta : -delta;
                }
                final double inv = 1 / dk;
                phase(tid -> {
                    for (int i = kk + 1 + tid; i < order; i += T) {
                        colf[i] = K[i * order + kk] * inv;
                    }
                });
                piv[k] = dk;
                final int wdt = order - k - 1;
                phase(tid -> {
                    for (int q = tid; q < wdt * wdt; q += T) {
                        int i = kk + 1 + q / wdt;
                        int j = kk + 1 + q % wdt;
                        double f = colf[i];
                        if (f != 0) {
                            K[i * order + j] -= f * K[kk * order + j];
                        }
                    }
                    for (int i = kk + 1 + tid; i < order; i += T) {
                        K[i * order + kk] = colf[i];
                    }
                });
            }
            return smallest;
        }

        void ldlSolve() {
            int order = N;
            for (int i = 0; i < order; i++) {
                yS[i] = rS[perm[i]];
            }
            for (int k = 0; k < order; k++) {
                double yk = yS[k];
                for (int i = k + 1; i < order; i++) {
                    yS[i] -= K[i * order + k] * yk;
                }
            }
            for (int i = 0; i < order; i++) {
                yS[i] /= piv[i];
            }
            for (int i = order - 1; i > 0; i--) {
                double yi = yS[i];
                for (int k = 0; k < i; k++) {
                    yS[k] -= K[i * order + k] * yi;
                }
            }
            for (int i = 0; i < order; i++) {
                rS[perm[i]] = yS[i];
            }
        }

        // ---- the Newton system (cl_ipm_factor, cl_ipm_factored_solve, cl_ipm_residual, cl_ipm_solve_newton) ----

        void factor() {
            double reg = prm.get(InteriorPointConstants.STATIC_REG);
            int tilesPerEdge = (n + TILE - 1) / TILE;
            int tiles = tilesPerEdge * (tilesPerEdge + 1) / 2;
            double[][][] acc = new double[tiles][TILE][TILE];
            int[] tileRow = new int[tiles];
            int[] tileCol = new int[tiles];
            for (int tile = 0; tile < tiles; tile++) {
                int ti = 0;
                while ((ti + 1) * (ti + 2) / 2 <= tile) {
                    ti++;
                }
                tileRow[tile] = ti;
                tileCol[tile] = tile - ti * (ti + 1) / 2;
                for (int a = 0; a < TILE; a++) {
                    for (int bb = 0; bb < TILE; bb++) {
                        int i = ti * TILE + a;
                        int j = tileCol[tile] * TILE + bb;
                        double v0 = 0;
                        if (i < n && j < n) {
                            if (hasP != 0) {
                                v0 = cs * p(i, j);
                            }
                            if (i == j) {
                                v0 += reg;
                            }
                        }
                        acc[tile][a][bb] = v0;
                    }
                }
            }
            for (int r0 = zero; r0 < m; r0 += PANEL) {
                int rows = Math.min(PANEL, m - r0);
                for (int q = 0; q < rows * n; q++) {
                    int cc = q / n;
                    int j = q % n;
                    double wr = w.get(r0 + cc);
                    double av = a(r0 + cc, j);
                    panel[cc * 2 * n + j] = (1 / (wr * wr)) * av;
                    panel[cc * 2 * n + n + j] = av;
                }
                for (int tile = 0; tile < tiles; tile++) {
                    int ti = tileRow[tile];
                    int tj = tileCol[tile];
                    for (int cc = 0; cc < rows; cc++) {
                        int h = cc * 2 * n;
                        double[] hi = new double[TILE];
                        double[] aj = new double[TILE];
                        for (int a = 0; a < TILE; a++) {
                            int i = ti * TILE + a;
                            int j = tj * TILE + a;
                            hi[a] = i < n ? panel[h + i] : 0;
                            aj[a] = j < n ? panel[h + n + j] : 0;
                        }
                        for (int a = 0; a < TILE; a++) {
                            for (int bb = 0; bb < TILE; bb++) {
                                acc[tile][a][bb] += hi[a] * aj[bb];
                            }
                        }
                    }
                }
            }
            for (int tile = 0; tile < tiles; tile++) {
                for (int a = 0; a < TILE; a++) {
                    for (int bb = 0; bb < TILE; bb++) {
                        int i = tileRow[tile] * TILE + a;
                        int j = tileCol[tile] * TILE + bb;
                        if (i < n && j <= i) {
                            K[i * N + j] = acc[tile][a][bb];
                        }
                    }
                }
            }
            for (int q = 0; q < zero * N; q++) {
                int r = q / N;
                int j = q % N;
                double v = 0;
                if (j < n) {
                    v = a(r, j);
                } else if (j == n + r) {
                    v = -reg;
                }
                K[(n + r) * N + j] = v;
            }
            for (int q = 0; q < N * N; q++) {
                int i = q / N;
                int j = q % N;
                if (j > i) {
                    K[q] = K[j * N + i];
                }
            }
            ldl(N, n, prm.get(InteriorPointConstants.DYNAMIC_EPS), prm.get(InteriorPointConstants.DYNAMIC_DELTA));
        }

        void factoredSolve(DPtr r1, DPtr r2, DPtr xo, DPtr zo) {
            solves++;
            for (int i = 0; i < m; i++) {
                double w2 = w.get(i) * w.get(i);
                t.set(i, i < zero ? 0 : r2.get(i) / w2);
            }
            mulAt(t, tN);
            for (int j = 0; j < n; j++) {
                rS[j] = r1.get(j) + tN.get(j);
            }
            for (int r = 0; r < zero; r++) {
                rS[n + r] = r2.get(r);
            }
            ldlSolve();
            for (int j = 0; j < n; j++) {
                xo.set(j, rS[j]);
            }
            for (int r = 0; r < zero; r++) {
                zo.set(r, rS[n + r]);
            }
            mulA(xo, tM, m, zero);
            for (int i = zero; i < m; i++) {
                double w2 = w.get(i) * w.get(i);
                zo.set(i, tM.get(i) / w2 - t.get(i));
            }
        }

        double residual(DPtr r1, DPtr r2, DPtr xv, DPtr zv) {
            mulP(xv, resX);
            mulAt(zv, tN);
            for (int j = 0; j < n; j++) {
                resX.set(j, r1.get(j) - resX.get(j) - tN.get(j));
            }
            mulA(xv, resZ, m, 0);
            for (int i = 0; i < m; i++) {
                double hz = i < zero ? 0 : zv.get(i) * (w.get(i) * w.get(i));
                resZ.set(i, r2.get(i) - resZ.get(i) + hz);
            }
            return blockMax(0, (tid, acc) -> {
                for (int j = tid; j < n; j += T) {
                    acc = max(acc, Math.abs(resX.get(j)));
                }
                for (int i = tid; i < m; i += T) {
                    acc = max(acc, Math.abs(resZ.get(i)));
                }
                return acc;
            });
        }

        void solveNewton(DPtr r1, DPtr r2, DPtr xo, DPtr zo) {
            double rhsNorm = blockMax(0, (tid, acc) -> {
                for (int j = tid; j < n; j += T) {
                    acc = max(acc, Math.abs(r1.get(j)));
                }
                for (int i = tid; i < m; i += T) {
                    acc = max(acc, Math.abs(r2.get(i)));
                }
                return acc;
            });
            factoredSolve(r1, r2, xo, zo);
            double rel = residual(r1, r2, xo, zo) / (1 + rhsNorm);
            int maxRefine = (int) prm.get(InteriorPointConstants.MAX_REFINEMENT);
            for (int it = 0; it < maxRefine && rel > prm.get(InteriorPointConstants.REFINE_TOL); it++) {
                factoredSolve(resX, resZ, cx, cz);
                for (int j = 0; j < n; j++) {
                    xo.set(j, xo.get(j) + cx.get(j));
                }
                for (int i = 0; i < m; i++) {
                    zo.set(i, zo.get(i) + cz.get(i));
                }
                double next = residual(r1, r2, xo, zo) / (1 + rhsNorm);
                if (!(next < rel)) {
                    for (int j = 0; j < n; j++) {
                        xo.set(j, xo.get(j) - cx.get(j));
                    }
                    for (int i = 0; i < m; i++) {
                        zo.set(i, zo.get(i) - cz.get(i));
                    }
                    residual(r1, r2, xo, zo);
                    break;
                }
                boolean slow = next > 0.5 * rel;
                rel = next;
                if (slow) {
                    break;
                }
            }
            if (!(rel <= prm.get(InteriorPointConstants.FALLBACK_TOL))) {
                retry = true;
            }
        }

        // ---- the method (cl_ipm_prepare, cl_ipm_run and its helpers) ----

        boolean prepare() {
            boolean eq = prm.get(InteriorPointConstants.EQUILIBRATE) != 0;
            for (int i = 0; i < m; i++) {
                b.set(i, bRaw.get(i * lanes + l) * dAt(i));
            }
            for (int j = 0; j < n; j++) {
                c.set(j, cRaw.get(j * lanes + l) * eAt(j));
            }
            double[] r = reduce(4, 14, new double[] {0, 0, 0, 0}, (tid, v) -> {
                for (int j = tid; j < n; j += T) {
                    v[1] = max(v[1], Math.abs(c.get(j)));
                    if (hasP != 0) {
                        double col = 0;
                        for (int i = 0; i < n; i++) {
                            col = max(col, Math.abs(p(i, j)));
                        }
                        v[0] += col;
                    }
                }
                for (int q = tid; q < m * n; q += T) {
                    int i = q / n;
                    int j = q - i * n;
                    v[2] = max(v[2], Math.abs(a(i, j)) / (dAt(i) * eAt(j)));
                }
                if (hasP != 0) {
                    for (int q = tid; q < n * n; q += T) {
                        int i = q / n;
                        int j = q - i * n;
                        v[3] = max(v[3], Math.abs(p(i, j)) / (eAt(i) * eAt(j)));
                    }
                }
            });
            aMax = r[2];
            apMax = max(r[2], r[3]);
            cs = 1;
            if (eq) {
                double pMean = r[0] / Math.max(1, n);
                double norm = max(pMean, r[1]);
                double clamped = !(norm >= prm.get(InteriorPointConstants.MIN_NORM)) ? 1
                        : Math.min(norm, prm.get(InteriorPointConstants.MAX_NORM));
                cs = 1 / clamped;
                for (int j = 0; j < n; j++) {
                    c.set(j, c.get(j) * cs);
                }
            }
            if (hasP == 0) {
                return true;
            }
            double maxDiag = blockMax(0, (tid, acc) -> {
                for (int j = tid; j < n; j += T) {
                    acc = max(acc, Math.abs(cs * p(j, j)));
                }
                return acc;
            });
            for (int q = 0; q < n * n; q++) {
                K[q] = cs * pDense.get(pOff + q);
            }
            double smallest = ldl(n, n, 1e-12 * maxDiag, Math.max(1.0, maxDiag));
            return smallest >= -1e-9 * Math.max(maxDiag, Double.MIN_NORMAL);
        }

        double mu() {
            double acc = blockSum((tid, v) -> {
                for (int i = zero + tid; i < m; i += T) {
                    v += s.get(i) * z.get(i);
                }
                return v;
            });
            return (acc + tau * kappa) / (m - zero + 1);
        }

        void evaluate() {
            mulP(x, px);
            mulA(x, ax, m, 0);
            mulAt(z, atz);
            double invTau = 1 / tau;
            for (int j = 0; j < n; j++) {
                rx.set(j, px.get(j) + atz.get(j) + c.get(j) * tau);
            }
            for (int i = 0; i < m; i++) {
                rz.set(i, ax.get(i) + s.get(i) - b.get(i) * tau);
            }
            double[] r = reduce(16, ~7, new double[16], (tid, v) -> {
                for (int j = tid; j < n; j += T) {
                    double cj0 = c.get(j);
                    v[0] += cj0 * x.get(j);
                    v[2] += x.get(j) * px.get(j);
                    double f = 1 / (eAt(j) * cs);
                    double pj = px.get(j) * f;
                    double aj = atz.get(j) * f;
                    double cj = cj0 * f;
                    v[8] = max(v[8], Math.abs((pj + aj) * invTau + cj));
                    v[9] = max(v[9], Math.abs(pj * invTau));
                    v[10] = max(v[10], Math.abs(aj * invTau));
                    v[11] = max(v[11], Math.abs(cj));
                    v[12] = max(v[12], Math.abs(pj));
                    v[13] = max(v[13], Math.abs(aj));
                    v[14] = max(v[14], Math.abs(eAt(j) * x.get(j)));
                }
                for (int i = tid; i < m; i += T) {
                    double bi0 = b.get(i);
                    v[1] += bi0 * z.get(i);
                    double di = 1 / dAt(i);
                    double av = ax.get(i) * di;
                    double si = s.get(i) * di;
                    double bi = bi0 * di;
                    v[3] = max(v[3], Math.abs((av + si) * invTau - bi));
                    v[4] = max(v[4], Math.abs(av * invTau));
                    v[5] = max(v[5], Math.abs(si * invTau));
                    v[6] = max(v[6], Math.abs(bi));
                    v[7] = max(v[7], Math.abs(av + si));
                    v[15] = max(v[15], Math.abs(dAt(i) * z.get(i)));
                }
            });
            double xPx = r[2] * invTau * invTau / cs;
            double cTx = r[0] * invTau / cs;
            double bTy = r[1] * invTau / cs;
            stats[0] = r[3];
            stats[1] = max(r[4], max(r[5], r[6]));
            stats[2] = r[8];
            stats[3] = max(r[9], max(r[10], r[11]));
            stats[4] = Math.abs(xPx + cTx + bTy);
            stats[5] = max(Math.abs(xPx), max(Math.abs(cTx), Math.abs(bTy)));
            stats[6] = 0.5 * xPx + cTx;
            stats[7] = -0.5 * xPx - bTy;
            stats[8] = tau;
            stats[9] = kappa;
            stats[10] = r[1] / cs;
            stats[11] = r[13];
            stats[12] = r[0] / cs;
            stats[13] = r[7];
            stats[14] = r[12];
            stats[15] = apMax * r[14];
            stats[16] = aMax * r[15] / cs;
        }

        double tauDirection(DPtr u, DPtr v, double invTau) {
            double[] r = reduce(2, 0, new double[2], (tid, acc) -> {
                for (int j = tid; j < n; j += T) {
                    acc[0] += (c.get(j) + 2 * px.get(j) * invTau) * u.get(j);
                }
                for (int i = tid; i < m; i += T) {
                    acc[1] += b.get(i) * v.get(i);
                }
            });
            return r[0] + r[1];
        }

        void direction(double eta, double rTau, DPtr dsTarget, double dKappaT, double invTau, double denom, DPtr outX,
                       DPtr outZ, DPtr outS) {
            for (int i = zero; i < m; i++) {
                double q = dsTarget.get(i) / lam.get(i);
                wM.set(i, q);
                wM2.set(i, q * w.get(i));
            }
            for (int j = 0; j < n; j++) {
                rhsX.set(j, -eta * rx.get(j));
            }
            for (int i = 0; i < m; i++) {
                rhsZ.set(i, -eta * rz.get(i) + (i >= zero ? wM2.get(i) : 0));
            }
            solveNewton(rhsX, rhsZ, x2, z2);
            double dt = (-eta * rTau + dKappaT * invTau - tauDirection(x2, z2, invTau)) / denom;
            dTau = dt;
            for (int j = 0; j < n; j++) {
                outX.set(j, x2.get(j) + dt * x1.get(j));
            }
            for (int i = 0; i < m; i++) {
                outZ.set(i, z2.get(i) + dt * z1.get(i));
                if (i < zero) {
                    outS.set(i, 0);
                } else {
                    double w2 = w.get(i) * w.get(i);
                    outS.set(i, -wM2.get(i) - outZ.get(i) * w2);
                }
            }
            dKappa = -(dKappaT + kappa * dt) * invTau;
        }

        double maxStep(DPtr dS, DPtr dZ, double dT, double dK, double limit) {
            double a = limit;
            if (dT < 0) {
                a = min(a, -tau / dT);
            }
            if (dK < 0) {
                a = min(a, -kappa / dK);
            }
            double mine = blockMin(Double.POSITIVE_INFINITY, (tid, acc) -> {
                for (int i = zero + tid; i < m; i += T) {
                    if (dS.get(i) < 0) {
                        acc = min(acc, -s.get(i) / dS.get(i));
                    }
                    if (dZ.get(i) < 0) {
                        acc = min(acc, -z.get(i) / dZ.get(i));
                    }
                }
                return acc;
            });
            return min(a, mine);
        }

        double step() {
            double mu = mu();
            factor();
            for (int j = 0; j < n; j++) {
                rhsX.set(j, -c.get(j));
            }
            for (int i = 0; i < m; i++) {
                rhsZ.set(i, b.get(i));
            }
            solveNewton(rhsX, rhsZ, x1, z1);
            double invTau = 1 / tau;
            double[] r = reduce(3, 0, new double[3], (tid, v) -> {
                for (int j = tid; j < n; j += T) {
                    v[0] += x.get(j) * px.get(j);
                    v[1] += c.get(j) * x.get(j);
                }
                for (int i = tid; i < m; i += T) {
                    v[2] += b.get(i) * z.get(i);
                }
            });
            double xiPxi = r[0] * invTau * invTau;
            double rTau = kappa + r[1] + r[2] + xiPxi * tau;
            double denom = tauDirection(x1, z1, invTau) - xiPxi - kappa * invTau;
            for (int i = zero; i < m; i++) {
                dsT.set(i, lam.get(i) * lam.get(i));
            }
            direction(1, rTau, dsT, tau * kappa, invTau, denom, dxa, dza, dsa);
            double dTauA = dTau;
            double dKappaA = dKappa;
            double alphaAff = maxStep(dsa, dza, dTauA, dKappaA, 1);
            double sigma = (1 - alphaAff) * (1 - alphaAff) * (1 - alphaAff);
            for (int i = zero; i < m; i++) {
                double cross = (dsa.get(i) / w.get(i)) * (dza.get(i) * w.get(i));
                dsT.set(i, lam.get(i) * lam.get(i) + cross + -sigma * mu);
            }
            double dKappaT = tau * kappa + dTauA * dKappaA - sigma * mu;
            direction(1 - sigma, rTau, dsT, dKappaT, invTau, denom, dx, dz, ds);
            double alpha = min(1.0, prm.get(InteriorPointConstants.STEP_FRACTION)
                    * maxStep(ds, dz, dTau, dKappa, Double.POSITIVE_INFINITY));
            if (!Double.isFinite(alpha) || !Double.isFinite(dTau) || !Double.isFinite(dKappa)) {
                return Double.NaN;
            }
            for (int j = 0; j < n; j++) {
                x.set(j, x.get(j) + alpha * dx.get(j));
            }
            for (int i = 0; i < m; i++) {
                z.set(i, z.get(i) + alpha * dz.get(i));
                if (i >= zero) {
                    s.set(i, s.get(i) + alpha * ds.get(i));
                }
            }
            tau += alpha * dTau;
            kappa += alpha * dKappa;
            return alpha;
        }

        void shiftIntoCone(DPtr v) {
            double mn = blockMin(Double.POSITIVE_INFINITY, (tid, acc) -> {
                for (int i = zero + tid; i < m; i += T) {
                    acc = min(acc, v.get(i));
                }
                return acc;
            });
            if (mn < 1) {
                for (int i = zero; i < m; i++) {
                    v.set(i, v.get(i) + (1 - mn));
                }
            }
        }

        int check(double epsAbs, double epsRel, double epsInfeas) {
            if (brokeDown()) {
                return FAILED;
            }
            double pr = stats[0] / (epsAbs + epsRel * stats[1]);
            double du = stats[2] / (epsAbs + epsRel * stats[3]);
            double ga = stats[4] / (epsAbs + epsRel * stats[5]);
            if (stats[8] > 0 && max(pr, max(du, ga)) <= 1) {
                return SOLVED;
            }
            if (infeasibilityRatio(epsInfeas) <= 1) {
                return INFEASIBLE;
            }
            if (unboundednessRatio(epsInfeas) <= 1) {
                return UNBOUNDED;
            }
            return NONE;
        }

        boolean brokeDown() {
            for (int k = 8; k < 17; k++) {
                if (!Double.isFinite(stats[k])) {
                    return true;
                }
            }
            if (stats[8] > 0) {
                for (int k = 0; k < 8; k++) {
                    if (Double.isNaN(stats[k])) {
                        return true;
                    }
                }
            }
            return false;
        }

        double infeasibilityRatio(double epsInfeas) {
            double bty = stats[10];
            if (!(bty < 0)) {
                return Double.POSITIVE_INFINITY;
            }
            return max(stats[11] / (-bty * epsInfeas), stats[11] / (stats[16] * epsInfeas));
        }

        double unboundednessRatio(double epsInfeas) {
            double ctx = stats[12];
            if (!(ctx < 0)) {
                return Double.POSITIVE_INFINITY;
            }
            double r = max(stats[13], stats[14]);
            return max(r / (-ctx * epsInfeas), r / (stats[15] * epsInfeas));
        }

        int atLimit(double epsInfeas) {
            if (brokeDown()) {
                return FAILED;
            }
            double tu = stats[8];
            double ka = stats[9];
            if (tu > 0 && tu >= ka) {
                return SOLVED_INACCURATE;
            }
            double inf = infeasibilityRatio(epsInfeas);
            double unb = unboundednessRatio(epsInfeas);
            if (inf <= io.convexlayers.solver.hsde.Termination.LOOSE_CERTIFICATE && inf <= unb) {
                return INFEASIBLE_INACCURATE;
            }
            if (unb <= io.convexlayers.solver.hsde.Termination.LOOSE_CERTIFICATE) {
                return UNBOUNDED_INACCURATE;
            }
            return tu > 0 ? SOLVED_INACCURATE : FAILED;
        }

        int stopped() {
            int met = check(prm.get(InteriorPointConstants.EPS_ABS), prm.get(InteriorPointConstants.EPS_REL),
                    prm.get(InteriorPointConstants.EPS_INFEAS));
            return met != NONE ? met : atLimit(prm.get(InteriorPointConstants.EPS_INFEAS));
        }

        double merit() {
            return max(stats[0] / (1 + stats[1]), max(stats[2] / (1 + stats[3]), stats[4] / (1 + stats[5])));
        }

        int solve(int[] iters) {
            long t0 = System.nanoTime();
            double epsAbs = prm.get(InteriorPointConstants.EPS_ABS);
            double epsRel = prm.get(InteriorPointConstants.EPS_REL);
            double epsInfeas = prm.get(InteriorPointConstants.EPS_INFEAS);
            double target = prm.get(InteriorPointConstants.TARGET_EPS);
            double targetAbs = Math.min(epsAbs, target);
            double targetRel = Math.min(epsRel, target);
            int limit = (int) prm.get(InteriorPointConstants.MAX_ITERATIONS);
            for (int i = 0; i < m; i++) {
                w.set(i, 1);
                dsT.set(i, 0);
            }
            factor();
            for (int j = 0; j < n; j++) {
                rhsX.set(j, linear != 0 ? 0 : -c.get(j));
            }
            for (int i = 0; i < m; i++) {
                rhsZ.set(i, b.get(i));
            }
            solveNewton(rhsX, rhsZ, x, z);
            for (int i = 0; i < m; i++) {
                s.set(i, i < zero ? 0 : -z.get(i));
            }
            if (linear != 0) {
                for (int j = 0; j < n; j++) {
                    rhsX.set(j, -c.get(j));
                }
                for (int i = 0; i < m; i++) {
                    rhsZ.set(i, 0);
                }
                solveNewton(rhsX, rhsZ, x2, z);
            }
            if (retry) {
                return RETRY;
            }
            shiftIntoCone(s);
            shiftIntoCone(z);
            tau = 1;
            kappa = 1;
            double initialMu = mu();
            int status;
            int iter = 0;
            int smallSteps = 0;
            int extra = 0;
            double prevMerit = Double.POSITIVE_INFINITY;
            while (true) {
                evaluate();
                double merit = tau >= kappa ? merit() : Double.POSITIVE_INFINITY;
                double setback = prm.get(InteriorPointConstants.SETBACK);
                if (tau >= kappa && merit > setback * prevMerit && !(kappa * tauP > setback * kappaP * tau)) {
                    for (int j = 0; j < n; j++) {
                        x.set(j, xP.get(j));
                    }
                    for (int i = 0; i < m; i++) {
                        z.set(i, zP.get(i));
                        s.set(i, sP.get(i));
                    }
                    tau = tauP;
                    kappa = kappaP;
                    evaluate();
                    status = stopped();
                    break;
                }
                prevMerit = merit;
                status = check(targetAbs, targetRel, epsInfeas);
                if (status == INFEASIBLE || status == UNBOUNDED) {
                    boolean stands = kappa > tau && mu() <= prm.get(InteriorPointConstants.CERTIFICATE_MU) * initialMu;
                    boolean decided = tau <= epsInfeas * kappa;
                    if (stands && !decided && status == INFEASIBLE) {
                        stands = !(stats[0] <= epsAbs + epsRel * stats[1]);
                    } else if (stands && !decided) {
                        stands = !(stats[2] <= epsAbs + epsRel * stats[3]);
                    }
                    status = stands ? status : NONE;
                }
                if (status != NONE) {
                    break;
                }
                if (check(epsAbs, epsRel, epsInfeas) == SOLVED
                        && extra++ >= (int) prm.get(InteriorPointConstants.EXTRA_ITERATIONS)) {
                    status = SOLVED;
                    break;
                }
                double budget = prm.get(InteriorPointConstants.BUDGET_NS);
                boolean late = budget > 0 && System.nanoTime() - t0 > budget;
                boolean bad = false;
                for (int i = zero; i < m; i++) {
                    double si = s.get(i);
                    double zi = z.get(i);
                    if (!(si > 0 && zi > 0)) {
                        bad = true;
                    } else {
                        w.set(i, Math.sqrt(si / zi));
                        lam.set(i, Math.sqrt(si * zi));
                    }
                }
                if (iter >= limit || smallSteps >= (int) prm.get(InteriorPointConstants.MAX_SMALL_STEPS) || late
                        || bad) {
                    status = stopped();
                    break;
                }
                for (int j = 0; j < n; j++) {
                    xP.set(j, x.get(j));
                }
                for (int i = 0; i < m; i++) {
                    zP.set(i, z.get(i));
                    sP.set(i, s.get(i));
                }
                tauP = tau;
                kappaP = kappa;
                double alpha = step();
                if (retry) {
                    iters[0] = iter;
                    return RETRY;
                }
                if (!(alpha > prm.get(InteriorPointConstants.MIN_STEP))) {
                    smallSteps++;
                    if (!(alpha >= 0)) {
                        status = stopped();
                        break;
                    }
                } else {
                    smallSteps = 0;
                }
                iter++;
                iters[0] = iter;
            }
            iters[0] = iter;
            return status;
        }
    }

    /** cl_max: NaN wins. */
    static double max(double a, double b) {
        return (a > b || Double.isNaN(a)) ? a : b;
    }

    /** cl_min: NaN wins. */
    static double min(double a, double b) {
        return (a < b || Double.isNaN(a)) ? a : b;
    }

}
