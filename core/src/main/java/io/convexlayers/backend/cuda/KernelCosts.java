// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * The cost of one launch of each {@link CudaKernel}, read off its {@code .cu} loop (and its twin in
 * its Java twin in the tests, which has the same loop) for the launch's work items, int arguments and the
 * contents of the index arrays it walks. The rules, the same for every kernel:
 * <ul>
 *   <li><b>Per-lane data</b> (batch-minor vectors, per-lane matrix values, per-lane masks and
 *       scalars) counts every load and store a work item issues, re-reads included: with one thread
 *       per lane (Cholesky, triangular solves, reductions) those re-reads are the kernel's traffic to
 *       L1/L2, which at that occupancy is latency-bound. For memory traffic to HBM this is an upper
 *       bound.</li>
 *   <li><b>Lane-invariant operands</b> (CSR/CSC index arrays, shared matrix values, the shared
 *       inverse, cone tables) count once per launch: the 32 lanes of a warp read the same address (one
 *       broadcast transaction) and later rows hit L2 (50 MB on an H200).</li>
 *   <li><b>Data-dependent work</b>: row lengths of sparse products and merges come from the index
 *       arrays; masked kernels (masked copy, scale reset, CG step/direction, Anderson) count the lanes
 *       whose mask, count or slot enables the work, as it stands when the kernel is launched. Where
 *       the work depends on values (cone projections taking a branch, Jacobi sweeps, bisection
 *       steps), the count assumes the general branch and the bounds stated at that kernel: an upper
 *       bound.</li>
 *   <li><b>Flops</b>: one per double add, subtract, multiply, divide, square root, fabs or max; an
 *       {@code exp}, {@code log} or {@code pow} counts {@link #TRANSCENDENTAL}; integer index
 *       arithmetic is free.</li>
 * </ul>
 * Without host arrays (a real device) there is no cost: the ledger then counts launches only.
 */
final class KernelCosts {
    /** Flops charged for one exp, log or pow (a libdevice call is tens of FP64 instructions). */
    static final int TRANSCENDENTAL = 20;
    /** QR sweeps assumed per eigenvalue of a PSD eigendecomposition (the kernel stops at 60; ~2 is typical). */
    static final int QR_SWEEPS_PER_VALUE = 2;
    /** Bisection steps assumed per exponential/power-cone projection (the kernels stop at 200). */
    static final int BISECTION_STEPS = 60;

    private static final int D = 8;
    private static final int WARP = LaunchGeometry.WARP;
    private static final int I = 4;

    private KernelCosts() {
    }

    /** The cost of launching {@code k} over {@code items} work items with arguments {@code a}. */
    static KernelCost of(CudaKernel k, int items, CudaKernel.TwinArgs a) {
        long t = items;
        return switch (k) {
            // x[t] = value.
            case FILL -> new KernelCost(0, D * t, 0);
            case FILL_INT -> new KernelCost(0, I * t, 0);
            // One warp per lane (the lane count is argument 0): len products a·b summed, one result.
            case LANE_DOT -> new KernelCost(2L * D * a.i(1) * lanes0(a), D * lanes0(a), 2L * a.i(1) * lanes0(a));
            // One warp per lane: len (abs, max), one read-modify-write.
            case LANE_ABS_MAX -> new KernelCost(D * a.i(1) * lanes0(a) + D * lanes0(a), D * lanes0(a),
                    2L * a.i(1) * lanes0(a));
            // One warp per lane: len (subtract, square, add), one sqrt.
            case LANE_DIFF_NORM -> new KernelCost(2L * D * a.i(1) * lanes0(a), D * lanes0(a),
                    (3L * a.i(1) + 1) * lanes0(a));
            // v[t] *= alpha[lane]: reads v and alpha, writes v.
            case LANE_SCALE -> new KernelCost(2L * D * t, D * t, t);
            // y = alpha x + beta y: four loads, one store.
            case LANE_AXPBY -> new KernelCost(4L * D * t, D * t, 3 * t);
            // dst = src where mask[lane]: every item reads the mask, enabled lanes copy.
            case MASKED_COPY -> {
                long on = rowsOf(t, a.i(1)) * enabled(a.q(2), a.i(1));
                yield new KernelCost(I * t + D * on, D * on, 0);
            }
            // One warp per lane: len squares summed, sqrt, a divide.
            case NORMALIZE -> new KernelCost(2L * D * a.i(1) * lanes0(a), D * a.i(1) * lanes0(a),
                    (3L * a.i(1) + 3) * lanes0(a));

            case CSR_MV -> {
                // The full product's traffic on the active lanes only (every item still reads its flag
                // and writes its output).
                KernelCost full = csrMv(t, a);
                int lanes = a.i(1);
                double share = (double) enabled(a.q(10), lanes) / lanes;
                yield new KernelCost((long) (full.bytesRead() * share) + I * t, full.bytesWritten(),
                        (long) (full.flops() * share));
            }
            // program.cu. The parameter map (a chunk's, or the whole batch's): its structure at arguments 4
            // and 5 (θ of lane first + l read at stride batch: the same bytes).
            case PARAM_MAP_LANES -> paramMapLanes(t, a);
            // dst[t] = src[t / lanes]: the shared values read once per launch (lane-invariant), written per lane.
            case SPREAD_LANES -> new KernelCost(D * rowsOf(t, a.i(1)), D * t, 0);
            // v[t] *= f[t].
            case MUL_ROWS -> new KernelCost(2L * D * t, D * t, t);
            // One warp per lane: m + n loads, a fabs and a max each, the clamp and one divide.
            case LANE_SIGMA -> new KernelCost(D * (long) (a.i(1) + a.i(2)) * lanes0(a), D * lanes0(a),
                    (2L * (a.i(1) + a.i(2)) + 4) * lanes0(a));
            // dst[t] = -src[t].
            case NEGATE -> new KernelCost(D * t, D * t, t);
            // Data cotangent: an A or P entry reads its two indices and four doubles (r_w too), b and c rows
            // three doubles; one store each; at most six flops.
            case VJP_DATA -> new KernelCost((2L * I + 5L * D) * t, D * t, 6 * t);

            // out = rhoX v (x rows) or -rhoY v (y rows).
            // Equilibration, one thread per (column | row | cone | entry, lane): the values read through the
            // pattern once per item, norms and factors written once.
            case EQ_COL_NORMS, EQ_ROW_NORMS -> {
                long rows = rowsOf(t, a.i(1));
                // Argument 3 is A's column (or row) starts; P's entries, when present, are not counted.
                long entries = a.q(3).get((int) rows) - a.q(3).get(0);
                yield new KernelCost((D + I) * entries * a.i(1) + I * rows, D * t, 2 * entries * a.i(1));
            }
            case EQ_EQUALIZE -> new KernelCost(2L * D * t, D * t, t);
            case EQ_FACTORS -> new KernelCost(2L * D * t, 2L * D * t, 4 * t);
            case EQ_APPLY -> new KernelCost(3L * D * t + 2L * I * t, D * t, 2 * t);
            case HSDE_RHS -> {
                long yItems = Math.max(0, t - (long) a.i(2) * a.i(1));
                yield new KernelCost(D * (t + yItems), D * t, t + yItems);
            }
            case HSDE_TAU -> hsdeTau(t, a);
            case HSDE_FUSED -> hsdeFused(a);
            // p -= p[tau] g: loads p, p's tau row and g.
            case HSDE_LINEAR_FINISH -> new KernelCost(3L * D * t, D * t, 2 * t);
            // u = 2 u~ - v (clip on the tau row).
            case HSDE_REFLECT -> new KernelCost(2L * D * t, D * t, 2 * t);
            // v += alpha (u - u~).
            // p, g, v in; p, u, v out on the rows each item owns (the tau entry read by every item).
            case HSDE_POLYHEDRAL_TAIL -> new KernelCost(4L * D * t, 3L * D * t, 8 * t);
            case HSDE_RELAX -> new KernelCost(3L * D * t, D * t, 3 * t);
            // rsk = w (v + u - 2 u~), w from rhoY on the y rows.
            case HSDE_DUAL -> new KernelCost(D * (3 * t + (long) a.i(3) * a.i(1)), D * t, 4 * t);
            case HSDE_RESET_SCALE -> {
                int lanes = a.i(1);
                long on = enabled(a.q(7), lanes);
                long rows = rowsOf(t, lanes);
                // Every item reads the mask; enabled lanes read rsk, u~, u (and rhoY on y rows), write v, anchor.
                yield new KernelCost(I * t + D * on * (3 * rows + a.i(3)), 2L * D * on * rows, 4 * on * rows);
            }
            case HSDE_RESIDUALS -> {
                long n = a.i(1);
                long m = a.i(2);
                long l = lanes0(a);
                // Per lane: 5 loads per row of either block (scaled products, factor, data, u), the tau
                // entries, sigma and the two magnitudes; about 22 operations per row (scalings, abs, max,
                // sums); 17 stats out.
                yield new KernelCost(D * l * (5 * (n + m) + 5), D * l * 17, l * (22 * (n + m) + 32));
            }

            // v = max(v, 0).
            case PROJ_NONNEG -> new KernelCost(D * t, D * t, t);
            case PROJ_SOC -> {
                long rows = socRows(t, a.i(1), a.q(3));
                long cones = rowsOf(t, a.i(1));
                // Per cone: norm of the tail (2 per row), sqrt, the scale factor, the scaled rows written
                // (the general branch, an upper bound).
                yield new KernelCost(8L * cones + D * rows, D * rows, 3 * rows + 4 * t);
            }
            case PROJ_PSD -> psd(t, a.i(1), a.q(3), true, false);
            // Friberg's root function by bisection: BISECTION_STEPS evaluations with an exp each.
            case PROJ_EXP -> new KernelCost(3L * D * t, 3L * D * t,
                    t * (BISECTION_STEPS * (TRANSCENDENTAL + 8L) + 3 * TRANSCENDENTAL + 40));
            // Bisection on |z|: two sqrt and two pow per step.
            case PROJ_POW -> new KernelCost(3L * D * t + D * rowsOf(t, a.i(1)), 3L * D * t,
                    t * (BISECTION_STEPS * (2L * TRANSCENDENTAL + 16) + 4 * TRANSCENDENTAL + 20));

            // out = d, d/2 or 0 by the sign of v.
            case DPROJ_NONNEG -> new KernelCost(2L * D * t, D * t, t);
            case DPROJ_SOC -> {
                long rows = socRows(t, a.i(1), a.q(3));
                long cones = rowsOf(t, a.i(1));
                // General branch: v and d read twice (norms, then the output rows), out written.
                yield new KernelCost(8L * cones + 4L * D * rows, D * rows, 10 * rows + 6 * t);
            }
            case PSD_LINEARIZE -> psd(t, a.i(1), a.q(3), false, false);
            case DPROJ_PSD -> psd(t, a.i(1), a.q(3), false, true);
            // Projection (as above) plus a 3x3 Jacobian by Sherman-Morrison; 9 entries written.
            case EXP_LINEARIZE -> new KernelCost(3L * D * t, 9L * D * t,
                    t * (BISECTION_STEPS * (TRANSCENDENTAL + 8L) + 5 * TRANSCENDENTAL + 80));
            case POW_LINEARIZE -> new KernelCost(3L * D * t + D * rowsOf(t, a.i(1)), 9L * D * t,
                    t * (BISECTION_STEPS * (2L * TRANSCENDENTAL + 16) + 6 * TRANSCENDENTAL + 80));
            // 3x3 product: 9 Jacobian entries and 9 loads of d per triple, 3 stores.
            case DPROJ_TRIPLES -> new KernelCost(18L * D * t, 3L * D * t, 18 * t);

            // out = ry ./ rhoY.
            case KKT_DIV_ROWS -> new KernelCost(2L * D * t, D * t, t);
            // y = (ax - y) ./ rhoY.
            case KKT_RECOVER_Y -> new KernelCost(3L * D * t, D * t, 2 * t);
            case GEMM_LANES -> gemmLanes(a);
            // Scatter: each item reads its value and index pair, writes one entry (two when mirrored).
            case IPM_SCATTER -> new KernelCost((D + 2L * I) * t, D * t * (a.i(4) != 0 ? 2 : 1), 0);
            case IPM_SOLVE -> ipmSolve(a);
            case DENSE_ASSEMBLE -> denseAssemble(t, a);
            case DENSE_CHOLESKY -> {
                long n = a.i(1);
                long on = enabled(a.q(4), a.i(0));
                long reads = 0;
                long flops = 0;
                for (long j = 0; j < n; j++) {
                    // Pivot: j squares subtracted, sqrt; each row below: 2j loads, j multiply-subtracts, a divide.
                    reads += 1 + j + (n - 1 - j) * (1 + 2 * j);
                    flops += 2 * j + 1 + (n - 1 - j) * (2 * j + 1);
                }
                yield new KernelCost(D * reads * on, (D * n * (n + 1) / 2 + I) * on, flops * on);
            }
            case DENSE_CHOL_SOLVE -> {
                long n = a.i(1);
                // Forward and back substitution: per row i, 2i loads (factor and x) plus x_i and the pivot.
                long reads = 2 * (n * (n - 1) + 2 * n);
                yield new KernelCost(D * reads * t, 2L * D * n * t, 2 * n * n * t);
            }
            case GATHER_LANES -> new KernelCost((D + I) * t, D * t, 0);
            case DENSE_FACTOR_INVERSE -> {
                long n = a.i(1);
                long on = enabled(a.q(5), a.i(0));
                // One block per lane: the packed matrix in, the full inverse out; the O(n^3) work (factor
                // n^3/3, triangular inverse n^3/3, product n^3/3 flops) reads shared memory only.
                yield new KernelCost(D * n * (n + 1) / 2 * on, (D * n * n + I) * on, n * n * n * on);
            }
            case DENSE_MV_LANES -> {
                long n = a.i(2);
                long on = t * enabled(a.q(6), a.i(1)) / Math.max(1, a.i(1)); // finished lanes read nothing
                // Every active (row, lane) reads its row of its lane's inverse and its lane's x.
                yield new KernelCost(2 * D * n * on + I * t, D * t, 2 * n * on);
            }
            case CG_DIAG -> cgDiag(t, a);
            // out = rhoX v + pv + atw.
            case CG_COMBINE -> new KernelCost(3L * D * t, D * t, 3 * t);
            // r = b - kx, z = r ./ diag, p = z.
            case CG_START -> new KernelCost(3L * D * t, 3L * D * t, 2 * t);
            case CG_STEP -> {
                int lanes = a.i(1);
                long on = 0;
                for (int l = 0; l < lanes; l++) {
                    on += a.q(4).get(l) != 0 && a.p(3).get(l) > 0 ? 1 : 0;
                }
                long rows = rowsOf(t, lanes);
                // Every item reads active and pkp; active lanes read rz, x, p, r, kp, diag, write x, r, z.
                yield new KernelCost((I + D) * t + 6L * D * on * rows, 3L * D * on * rows, 5 * on * rows);
            }
            // One thread per lane: four doubles and a flag in, beta, rz, flag (and maybe anyActive) out.
            case CG_SCALARS -> new KernelCost((4L * D + I) * t, (2L * D + 2 * I) * t, 4 * t);
            case CG_DIRECTION -> {
                int lanes = a.i(1);
                long on = rowsOf(t, lanes) * enabled(a.q(3), lanes);
                yield new KernelCost(I * t + 3L * D * on, D * on, 2 * on);
            }

            case AA_PREPARE -> aaPrepare(t, a);
            case AA_GRAM -> {
                int lanes = a.i(1);
                long len = a.i(2);
                long pairs = 0;
                for (int l = 0; l < lanes; l++) {
                    long c = a.q(4).get(l);
                    pairs += c * c;
                }
                yield new KernelCost(I * t + 2L * D * len * pairs, D * pairs, 2 * len * pairs);
            }
            case AA_RHS -> {
                int lanes = a.i(1);
                long len = a.i(2);
                long slots = slots(a.q(3), lanes, t / lanes);
                yield new KernelCost(I * t + 3L * D * len * slots, 3L * D * slots, 6 * len * slots);
            }
            case AA_SOLVE -> aaSolve(t, a);
            case AA_UPDATE -> {
                int lanes = a.i(1);
                long rows = rowsOf(t, lanes);
                long terms = 0;
                long on = 0;
                for (int l = 0; l < lanes; l++) {
                    if (a.q(4).get(l) != 0) {
                        on++;
                        terms += a.q(3).get(l);
                    }
                }
                // Every item reads ok; enabled ones read v, then gamma, dx, df per filled slot.
                yield new KernelCost(I * t + D * rows * (on + 3 * terms), D * rows * on, 3 * rows * terms);
            }
        };
    }

    /** Rows of a (row, lane) launch. */
    private static long rowsOf(long items, int lanes) {
        return lanes <= 0 ? 0 : items / lanes;
    }

    /** Lanes whose int flag is nonzero. */
    private static long enabled(IPtr flags, int lanes) {
        long on = 0;
        for (int l = 0; l < lanes; l++) {
            on += flags.get(l) != 0 ? 1 : 0;
        }
        return on;
    }

    /** Filled (slot, lane) pairs of an Anderson launch with {@code slotsLaunched} slots per lane. */
    private static long slots(IPtr count, int lanes, long slotsLaunched) {
        long s = 0;
        for (int l = 0; l < lanes; l++) {
            s += Math.min(slotsLaunched, count.get(l));
        }
        return s;
    }

    /** Rows of the SOC cones of a launch (sizes read from the size table). */
    private static long socRows(long items, int lanes, IPtr size) {
        long cones = rowsOf(items, lanes);
        long rows = 0;
        for (int c = 0; c < cones; c++) {
            rows += size.get(c);
        }
        return rows * lanes;
    }

    /**
     * CSR gather product, one thread per (row, lane): the row's start/end and its nnz column and value
     * indices once per launch; per item its nnz values (once per launch when shared) and nnz gathered
     * entries of x, plus out when accumulating; one store; a multiply-add per entry.
     */
    private static KernelCost csrMv(long t, CudaKernel.TwinArgs a) {
        int lanes = a.i(1);
        int rows = (int) rowsOf(t, lanes);
        IPtr start = a.q(2);
        long nnz = start.get(rows) - start.get(0);
        boolean shared = a.i(6) != 0;
        boolean accumulate = a.i(9) != 0;
        long read = I * (rows + 1L) + 2L * I * nnz + D * nnz * (shared ? 1 : lanes) + D * nnz * lanes
                + (accumulate ? D * t : 0);
        return new KernelCost(read, D * t, 2 * nnz * lanes + (accumulate ? t : 0));
    }

    private static KernelCost paramMapLanes(long t, CudaKernel.TwinArgs a) {
        return paramMapCost(t, a.i(1), a.q(4), a.q(5), a.i(7));
    }

    /** Parameter map: as the CSR product, values always shared, theta gathered except the constant column. */
    private static KernelCost paramMapCost(long t, int lanes, IPtr start, IPtr col, int numParams) {
        int rows = (int) rowsOf(t, lanes);
        long nnz = start.get(rows) - start.get(0);
        long constant = 0;
        for (int q = start.get(0); q < start.get(rows); q++) {
            constant += col.get(q) == numParams ? 1 : 0;
        }
        long read = I * (rows + 1L) + (long) (I + D) * nnz + D * (nnz - constant) * lanes;
        return new KernelCost(read, D * t, 2 * nnz * lanes);
    }

    /**
     * A fused run ({@code cl_hsde_fused}) on its live lanes: per iteration the separate kernels' traffic
     * (normalize, rhs, Aᵀ product, K⁻¹ product — from shared memory after one load per launch when the
     * launch put the inverses there —, A product, τ, tail), the check's three products and statistics
     * once; index arrays once per launch. The critical path is the busiest thread of a block per phase:
     * rows split over the lane's row threads, reductions over its first warp.
     */
    private static KernelCost hsdeFused(CudaKernel.TwinArgs a) {
        int lanes = a.i(0);
        long n = a.i(1);
        long m = a.i(2);
        int group = a.i(3);
        int rowThreads = a.i(4);
        long iters = a.i(5);
        boolean check = a.i(6) != 0;
        boolean hasP = a.i(9) != 0;
        boolean sharedVals = a.i(10) != 0;
        boolean kinvShared = a.i(11) != 0;
        IPtr aRow = a.q(12);
        IPtr atRow = a.q(15);
        IPtr pRow = a.q(18);
        long live = enabled(a.q(45), lanes);
        long nnzA = aRow.get((int) m) - aRow.get(0);
        long nnzP = hasP ? pRow.get((int) n) - pRow.get(0) : 0;
        long nm = n + m;
        long len = nm + 1;
        long valsPerLane = sharedVals ? 0 : 1;
        // Per iteration and live lane: loads and stores of the phases, in order.
        long aPass = D * nnzA * (valsPerLane + 1); // values (per lane) and the gathered vector
        long readIter = D * len * 2 + D * (nm + m) + (aPass + D * n) + D * n * (kinvShared ? 1 : n + 1)
                + (aPass + D * 2 * m) + D * 4 * nm + D * (4 * len + (m));
        long writeIter = D * len + D * (nm + n + m) + D * n + D * n + D * m + D * (2 * len);
        long flopsIter = 3 * len + 2 * nm + 4 * nnzA + 2 * n * n + 2 * m + 13 * nm + 8 * len;
        long read = live * iters * readIter + I * (2 * (n + m + 2) + 4 * nnzA + (hasP ? n + 1 + 2 * nnzP : 0));
        long write = live * iters * writeIter;
        long flops = live * iters * flopsIter;
        if (kinvShared) {
            read += live * D * n * n;
        }
        if (check) {
            read += live * (D * (nnzA * (valsPerLane + 1) * 2 + nnzP * (valsPerLane + 1)) + D * (9 * m + 9 * n));
            write += live * D * (m + 2 * n + 17 + len);
            flops += live * (4 * nnzA + 2 * nnzP + 9 * m + 10 * n);
        }
        // Critical path of one block: the busiest row thread per phase, the first warp for reductions.
        long maxRow = maxLength(aRow, (int) m);
        long maxCol = maxLength(atRow, (int) n);
        long maxPRow = hasP ? maxLength(pRow, (int) n) : 0;
        long perThreadN = ceilDiv(n, rowThreads);
        long perThreadM = ceilDiv(m, rowThreads);
        long pathIter = 2 * ceilDiv(len, WARP) + 2 * ceilDiv(nm, rowThreads) + perThreadN * (2 + 4 * maxCol)
                + perThreadN * 2 * n + perThreadM * (2 + 4 * maxRow) + 4 * ceilDiv(nm, WARP)
                + 5 * ceilDiv(len, rowThreads);
        // The first iteration reads from L2; later ones re-read the group's working set (matrix values,
        // inverses outside shared memory, iterates and scratch), from L1 where it fits beside shared memory.
        long working = (long) group * (D * nnzA * valsPerLane + (kinvShared ? 0 : D * n * n) + D * (6 * len + 2 * m))
                + I * (2 * (n + m + 2) + 4 * nnzA);
        long sharedUse = kinvShared ? FusedIterations.sharedBytes(group, (int) n) : 0;
        boolean fitsL1 = working + sharedUse <= H200CostModel.L1_BYTES_PER_SM;
        long path = pathIter;
        long l1Path = 0;
        if (fitsL1) {
            l1Path = (iters - 1) * pathIter;
        } else {
            path += (iters - 1) * pathIter;
        }
        if (kinvShared) {
            path += ceilDiv((long) group * n * n, (long) group * rowThreads);
        }
        if (check) {
            long checkPath = perThreadM * 4 * maxRow + perThreadN * 4 * (maxCol + maxPRow) + 6 * ceilDiv(m, WARP)
                    + 7 * ceilDiv(n, WARP);
            if (fitsL1) {
                l1Path += checkPath;
            } else {
                path += checkPath;
            }
        }
        if (live == 0) {
            return new KernelCost(read, write, flops);
        }
        return new KernelCost(read, write, flops, path, l1Path,
                H200CostModel.blocksPerSm(group * rowThreads, sharedUse));
    }

    /** Registers per thread of {@code cl_ipm_solve} (its launch bounds: 256 threads, 2 blocks per SM). */
    static final int IPM_REGISTERS = 128;
    /** Registers of one SM (Hopper). */
    private static final int SM_REGISTERS = 65536;

    /**
     * The device interior-point method ({@code cl_ipm_solve}), counted from what the launch did: each lane's
     * iterations and factored solves, which the kernel writes to its info row (the ledger reads them after
     * the launch, see {@link CudaKernel#costAfterLaunch}). Per lane: one assembly and factorization per
     * iteration and one at the start (and the convexity check's with P), per factored solve the products
     * with Aᵀ and A and the two substitutions, per refined solve's residual (one per factored solve) the
     * products with P, Aᵀ and A, and per iteration the evaluation's three products. Bytes: A and P are
     * read from device memory by every product (an upper bound: a lane's A often stays in L2). The
     * critical path of a block: the busiest thread's loads — dense rows of A (from L2) and the other
     * operands, the SYRK's shared-memory panel reads, the factorization's trailing updates and the first
     * warp's substitutions (shared memory, at L1 latency) — and one L1 latency per barrier.
     */
    private static KernelCost ipmSolve(CudaKernel.TwinArgs a) {
        int lanes = a.i(0);
        long n = a.i(1);
        long m = a.i(2);
        long zero = a.i(3);
        boolean hasP = a.i(4) != 0;
        DPtr out = a.p(16);
        int width = DeviceInteriorPoint.outWidth((int) n, (int) m);
        int infoAt = (int) (2 * n + 3 * m) + DeviceInteriorPoint.RESULT_WIDTH;
        long order = n + zero;
        long ineq = m - zero;
        int threads = DeviceInteriorPoint.threads((int) n, (int) m);
        long tiles = ((n + 3) / 4) * ((n + 3) / 4 + 1) / 2;
        // Per factorization: SYRK (16 FMAs per tile and inequality row), the mirror, the pivoted LDLᵀ.
        long factorFlops = 32 * tiles * ineq + 2 * order * order * order / 3;
        long factorBytes = D * (m * n + m + (hasP ? n * n : 0));
        long factorPath = ceilDiv(16L * n, threads) * ceilDiv(ineq, 16) + 2 * ceilDiv(m * n, threads);
        long ldlL1 = 0;
        for (long k = 0; k < order; k++) {
            ldlL1 += 2 * ceilDiv((order - k - 1) * (order - k - 1), threads) + ceilDiv(order - k, WARP) + 6;
        }
        long factorL1 = ceilDiv(tiles, threads) * ineq * 8 + ldlL1 + 2 * ceilDiv(order * order, threads)
                + 2 * ceilDiv(ineq, 16);
        // Per factored solve: Aᵀt, the substitutions, A x; per residual: P x, Aᵀz, A x.
        long solveFlops = 4 * m * n + 2 * order * order + 6 * (n + m);
        long residualFlops = 4 * m * n + (hasP ? 2 * n * n : 0) + 6 * (n + m);
        long productBytes = D * m * n;
        long solveBytes = 2 * productBytes + D * 6 * (n + m);
        long residualBytes = 2 * productBytes + (hasP ? D * n * n : 0) + D * 8 * (n + m);
        // Products: a thread's share of the outputs times its chunk of the inner range (cl_ipm_apply).
        long mulA = productPath(m, n, threads);
        long mulAt = productPath(n, m, threads);
        long mulP = hasP ? productPath(n, n, threads) : 0;
        long matvecPath = mulA + mulAt;
        // Substitutions in the first warp: per column, a thread's rows below it (factor and y) and a sync.
        long substitution = 0;
        for (long k = 0; k < order; k++) {
            substitution += 2 * (2 * ceilDiv(order - k - 1, WARP) + 1);
        }
        long solvePath = matvecPath;
        long solveL1 = matvecPath + substitution + 4 * ceilDiv(order, WARP) + 12;
        long residualPath = matvecPath + mulP;
        long residualL1 = residualPath + 8;
        // Per iteration beyond its solves: evaluate (three products), about 15 block reductions, the updates.
        long iterFlops = 4 * m * n + (hasP ? 2 * n * n : 0) + 60 * (n + m);
        long iterBytes = 2 * productBytes + (hasP ? D * n * n : 0) + D * 40 * (n + m);
        long iterPath = residualPath;
        long iterL1 = residualPath + 15 * 4 + 40 * ceilDiv(n + m, threads);
        long flops = 0;
        long read = 0;
        long write = 0;
        long path = 0;
        long l1 = 0;
        long maxBlockPath = 0;
        long maxBlockL1 = 0;
        for (int l = 0; l < lanes; l++) {
            long iters = Math.max(0, (long) out.get(l * width + infoAt + 1));
            long solves = Math.max(0, (long) out.get(l * width + infoAt + 2));
            long factors = iters + 1 + (hasP ? 1 : 0);
            long laneFlops = factors * factorFlops + solves * (solveFlops + residualFlops) + (iters + 1) * iterFlops;
            long laneBytes = factors * factorBytes + solves * (solveBytes + residualBytes) + (iters + 1) * iterBytes;
            flops += laneFlops;
            read += laneBytes;
            write += D * (2 * (n + m) + 18) + D * 10 * (n + m) * (iters + 1);
            long lanePath = factors * factorPath + solves * (solvePath + residualPath) + (iters + 1) * iterPath;
            long laneL1 = factors * factorL1 + solves * (solveL1 + residualL1) + (iters + 1) * iterL1;
            path += lanePath;
            l1 += laneL1;
            maxBlockPath = Math.max(maxBlockPath, lanePath);
            maxBlockL1 = Math.max(maxBlockL1, laneL1);
        }
        if (lanes == 0) {
            return KernelCost.ZERO;
        }
        // The path is per block: a wave's time is its slowest lane; the mean lane stands for a wave.
        long meanPath = Math.max(maxBlockPath / 4, path / lanes);
        long meanL1 = Math.max(maxBlockL1 / 4, l1 / lanes);
        int byRegisters = Math.max(1, SM_REGISTERS / (IPM_REGISTERS * threads));
        long shared = DeviceInteriorPoint.sharedBytes((int) n, (int) zero);
        int blocks = Math.min(byRegisters, H200CostModel.blocksPerSm(threads, shared));
        // A lane whose matrices and vectors fit in L1 beside the blocks' shared memory reads them from L2 once
        // (the first assembly) and from L1 after.
        long working = D * (m * n + (hasP ? n * n : 0) + DeviceInteriorPoint.laneDoubles((int) n, (int) m));
        if (blocks * (working + shared) <= H200CostModel.L1_BYTES_PER_SM && meanPath > factorPath) {
            meanL1 += meanPath - factorPath;
            meanPath = factorPath;
        }
        return new KernelCost(read, write, flops, meanPath, meanL1, blocks);
    }

    /** Loads on the busiest thread of one of {@code cl_ipm_apply}'s products: outputs × inner, chunked. */
    private static long productPath(long outputs, long inner, int threads) {
        long chunks = outputs > 0 ? Math.min(8, Math.max(1, threads / outputs)) : 1;
        return chunks == 1 ? ceilDiv(outputs, threads) * inner : ceilDiv(inner, chunks) + chunks;
    }

    /**
     * A tiled product with a shared matrix ({@code cl_gemm_lanes}) over the live lanes: M is read once per
     * 32-lane column of tiles and X once per 32-row band, from device memory into shared memory; every
     * output reads its previous value when accumulating. The critical path of a block is its tiles' chunk loads (two per
     * thread per 16 k, from L2) and one shared-memory latency per k step (its four loads overlap).
     */
    private static KernelCost gemmLanes(CudaKernel.TwinArgs a) {
        long rows = a.i(0);
        long inner = a.i(1);
        long live = a.i(3);
        boolean accumulate = a.i(8) != 0;
        long tilesR = ceilDiv(rows, 32);
        long tilesL = ceilDiv(live, 32);
        long tiles = tilesR * tilesL;
        if (tiles == 0) {
            return KernelCost.ZERO;
        }
        // M once per 32-lane column of tiles, the live lanes' X once per 32-row band (with their indices).
        long read = D * rows * inner * tilesL + (D + I) * inner * live * tilesR + I * live * tilesR
                + (accumulate ? D * rows * live : 0);
        long chunks = ceilDiv(inner, 16);
        // Blocks take tiles in turn: a block's path is its share of the tiles (the grid has one block per tile).
        long blocks = Math.min(tiles, LaunchGeometry.MAX_GRID);
        long tilesPerBlock = ceilDiv(tiles, blocks);
        return new KernelCost(read, D * rows * live, 2 * rows * inner * live + (accumulate ? rows * live : 0),
                // Per k step a thread's four shared-memory loads are independent and issue together: one
                // L1 latency per step on the path (16 per chunk), not four.
                tilesPerBlock * (2 * chunks + 5), tilesPerBlock * chunks * 16,
                H200CostModel.blocksPerSm(256, 8L * (32 * 17 + 16 * 32)));
    }

    private static long maxLength(IPtr start, int rows) {
        long max = 0;
        for (int r = 0; r < rows; r++) {
            max = Math.max(max, start.get(r + 1) - start.get(r));
        }
        return max;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** tau~: one thread per lane over n + m rows (g, p, v, and rhoY on y rows), 13 operations a row. */
    private static KernelCost hsdeTau(long t, CudaKernel.TwinArgs a) {
        long l = lanes0(a);
        if (a.i(8) != 0) {
            return new KernelCost(0, D * l, 0);
        }
        long n = a.i(1);
        long m = a.i(2);
        return new KernelCost(D * l * (3 * (n + m) + m + 1), D * l, l * (13 * (n + m) + 15));
    }

    /** The lane count of a one-warp-per-lane kernel (its first argument; the launch has 32 items a lane). */
    private static long lanes0(CudaKernel.TwinArgs a) {
        return a.i(0);
    }

    /**
     * PSD cones, one thread per (cone, lane), k = order: svec unpack (k(k+1)/2 loads, k² stores);
     * projection and linearization add the eigendecomposition of SymmetricEigen (Householder
     * tridiagonalization: about 2k³/3 loads, k³/3 stores and 4k³/3 operations on the matrix and k³
     * loads, k³ stores, 2k³ operations accumulating Z; then {@link #QR_SWEEPS_PER_VALUE} implicit QR
     * sweeps per eigenvalue of k/2 rotations on average, each rotating two rows of Z: 2k + 4 loads,
     * 2k + 3 stores, 6k + 20 operations) and, for the projection, the rebuild (k(k+1)/2 entries of k terms, 2 loads
     * and 3 operations each); the derivative adds four k×k×k products (2 loads and 2 operations per
     * term) instead of the eigendecomposition.
     */
    private static KernelCost psd(long t, int lanes, IPtr order, boolean project, boolean derivative) {
        long cones = rowsOf(t, lanes);
        long read = 0;
        long write = 0;
        long flops = 0;
        for (int c = 0; c < cones; c++) {
            long k = order.get(c);
            long svec = k * (k + 1) / 2;
            long r = svec;
            long w = k * k;
            long f = svec;
            if (derivative) {
                r += 4 * 2 * k * k * k;
                w += 3 * k * k + svec;
                f += 4 * 2 * k * k * k;
            } else {
                long rotations = QR_SWEEPS_PER_VALUE * k * Math.max(1, k / 2);
                w += k * k;
                r += 2 * k * k * k / 3 + k * k * k + rotations * (2 * k + 4);
                w += k * k * k / 3 + k * k * k + rotations * (2 * k + 3);
                f += 4 * k * k * k / 3 + 2 * k * k * k + rotations * (6 * k + 20);
                if (project) {
                    r += svec * k * 2;
                    w += svec;
                    f += svec * k * 3;
                }
            }
            read += r * lanes;
            write += w * lanes;
            flops += f * lanes;
        }
        return new KernelCost(D * read + 12L * cones, D * write, flops);
    }

    /**
     * Reduced-matrix assembly, one thread per (pair, lane): the pair's tables and column bounds and
     * the merge of columns i and j of A's pattern once per launch (two row indices per merge step);
     * per item P's entry if any, and per matching row two values of A (once per launch when shared)
     * and rhoY, three operations; one store.
     */
    private static KernelCost denseAssemble(long t, CudaKernel.TwinArgs a) {
        int lanes = a.i(1);
        int pairs = (int) rowsOf(t, lanes);
        IPtr pi = a.q(2);
        IPtr pj = a.q(3);
        IPtr pp = a.q(4);
        IPtr colStart = a.q(5);
        IPtr rowIdx = a.q(6);
        boolean aShared = a.i(8) != 0;
        boolean pShared = a.i(10) != 0;
        long steps = 0;
        long matches = 0;
        long pEntries = 0;
        for (int pr = 0; pr < pairs; pr++) {
            int ki = colStart.get(pi.get(pr));
            int ei = colStart.get(pi.get(pr) + 1);
            int kj = colStart.get(pj.get(pr));
            int ej = colStart.get(pj.get(pr) + 1);
            while (ki < ei && kj < ej) {
                int ri = rowIdx.get(ki);
                int rj = rowIdx.get(kj);
                steps++;
                if (ri < rj) {
                    ki++;
                } else if (rj < ri) {
                    kj++;
                } else {
                    matches++;
                    ki++;
                    kj++;
                }
            }
            pEntries += pp.get(pr) >= 0 ? 1 : 0;
        }
        long invariant = I * (7L * pairs + 2 * steps) + (aShared ? 2L * D * matches : 0) + (pShared ? D * pEntries : 0);
        lanes = (int) enabled(a.q(14), lanes); // masked-off lanes return at once
        long perLane = (aShared ? 0 : 2L * matches) + matches + (pShared ? 0 : pEntries);
        return new KernelCost(invariant + D * perLane * lanes, D * t, (3 * matches + pEntries + pairs) * lanes);
    }

    /**
     * Jacobi diagonal, one thread per (column, lane): column bounds, row indices and P's diagonal
     * position once per launch; per item the column's A values (once when shared), the gathered
     * rhoY and P's diagonal; three operations per entry.
     */
    private static KernelCost cgDiag(long t, CudaKernel.TwinArgs a) {
        int lanes = a.i(1);
        int cols = (int) rowsOf(t, lanes);
        IPtr colStart = a.q(2);
        IPtr pDiag = a.q(6);
        boolean aShared = a.i(5) != 0;
        boolean pShared = a.i(8) != 0;
        long nnz = colStart.get(cols) - colStart.get(0);
        long pEntries = 0;
        for (int j = 0; j < cols; j++) {
            pEntries += pDiag.get(j) >= 0 ? 1 : 0;
        }
        long invariant = I * (cols + 1L + nnz + cols) + (aShared ? D * nnz : 0) + (pShared ? D * pEntries : 0);
        long perLane = (aShared ? 0 : nnz) + nnz + (pShared ? 0 : pEntries);
        return new KernelCost(invariant + D * perLane * lanes, D * t, (3 * nnz + pEntries) * lanes);
    }

    /**
     * Anderson preparation, one thread per (row, lane): slot and update flags, v and anchor; residual
     * and saved point written; lanes with a slot also read the last anchor and residual and write
     * dx, df; lanes updating the last point write it.
     */
    private static KernelCost aaPrepare(long t, CudaKernel.TwinArgs a) {
        int lanes = a.i(1);
        long rows = rowsOf(t, lanes);
        long slotted = 0;
        long updating = 0;
        for (int l = 0; l < lanes; l++) {
            slotted += a.q(3).get(l) >= 0 ? 1 : 0;
            updating += a.q(4).get(l) != 0 ? 1 : 0;
        }
        long read = 2L * I * t + 2L * D * t + rows * (3L * D * slotted + D * updating);
        long write = 2L * D * t + rows * (2L * D * slotted + 2L * D * updating);
        return new KernelCost(read, write, t + 2 * rows * slotted);
    }

    /**
     * Anderson's small solve, one thread per lane with c = count filled slots (when applied): the
     * sums of nx, nf, the regularized diagonal, Gaussian elimination with partial pivoting (about
     * c³/3 multiply-subtracts, each 2 loads and a store) and back substitution.
     */
    private static KernelCost aaSolve(long t, CudaKernel.TwinArgs a) {
        int lanes = a.i(0);
        long read = 2L * I * t;
        long write = I * t;
        long flops = 0;
        for (int l = 0; l < lanes; l++) {
            long c = a.q(2).get(l);
            if (a.q(3).get(l) == 0 || c <= 0) {
                continue;
            }
            long elim = c * (c - 1) * (2 * c + 5) / 6;
            read += D * (2 * c + c + c * c + 2 * elim + c * c + c);
            write += D * (c + elim + c);
            flops += 2 * c + c + 2 * elim + c * c + 2 * c;
        }
        return new KernelCost(read, write, flops);
    }
}
