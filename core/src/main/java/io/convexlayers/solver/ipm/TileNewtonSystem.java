// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.batch.LaneLoops;
import io.convexlayers.batch.TileSparse;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.linsys.DenseReducedCholesky;

/**
 * The interior-point Newton system K·(x, z) = (r₁, r₂), K = [[P, Aᵀ], [A, −H]], of every lane of a
 * tile at once (H = w² on nonnegative rows, η²(2w̄w̄ᵀ − J) on a second-order cone's, 0 on zero-cone
 * rows), solved as the quasi-definite system
 * [[M, A_Eᵀ], [A_E, −δI]] with M = P + δI + A_IᵀH⁻¹A_I, the inequality rows eliminated. M is assembled
 * and factored per lane by the first-order solver's dense Cholesky (one vectorized loop over the lanes;
 * zero-cone rows get an infinite weight there, so that they stay out of M; a second-order cone's rows
 * enter M as the added dense rows W⁻¹A of its block, since its H⁻¹ is not diagonal), and the equality rows by
 * their Schur complement S = A_E·M⁻¹·A_Eᵀ + δI (order: zero rows), factored per lane — x first, as
 * the single instance's pivoted LDLᵀ eliminates the well-determined unknowns first; eliminating the
 * equality rows first (M + A_EᵀA_E/δ) loses accuracy near the end of a solve. Each lane is refined
 * against its exact K as {@link NewtonSystem} refines one instance. A lane whose refined solve stays
 * worse than {@link ReducedKkt#FALLBACK_TOL} is reported, so that the caller can give it to the
 * single-instance method, which switches to the full system where the reduction fails; every other
 * lane goes on.
 */
final class TileNewtonSystem {
    /** δ of the equality block (−δI in the quasi-definite system); refinement against the exact K removes it. */
    static final double EQUALITY_REG = NewtonSystem.STATIC_REG;

    /**
     * {@link #judge}'s level 1 asks the residual-based refinement step to reach this times the tolerance:
     * the regularization's correction that level-1 solves take instead removes δ's error but not the
     * factorization's rounding, which that step also removes. Measured against the exact K on
     * small-qp-n10-b1024, small-qp-n50-b128, lp-n50-b128, socp-n50-b128 and small-qp-n100-b16, the level-1
     * solves then met the tolerance in 89–100% of lanes (by workload) and came within 10× of it in all but
     * 2 of 12 400.
     */
    static final double LEVEL_ONE_MARGIN = 0.1;
    /**
     * A refining lane goes on while a step lowers its residual below this fraction of the last one. Lane
     * by lane, so that a lane's solve does not depend on its tile mates; a lane that went on while its
     * residual fell at all took 9 more iterations of 124 on planted SOCPs (tiny gains near the SOC
     * systems' residual floor), and one that stopped short of halving, as one instance does, handed
     * back 3 of 11 planted programs with equalities.
     */
    static final double MIN_GAIN = 0.9;
    private final ScaledTile data;
    private final int lanes;
    private final int n;
    private final int m;
    private final int zero;
    private final int ineqEnd;
    private final DenseReducedCholesky system;
    /** The tile's second-order cones (null without), their rows' W⁻¹A, and the scaling factored last. */
    private final TileSocCones soc;
    private final double[] socRows;
    private double[] scaling;
    /** A's cone rows as a pattern of their own (rows renumbered from 0), each entry's CSC index in A, and values. */
    private final SparsePattern coneA;
    private final int[] coneSource;
    private final double[] coneValues;
    private final double[] rhoY;
    private final double[] h;
    private final double[] buf;
    private final double[] resX;
    private final double[] resZ;
    private final double[] dx;
    private final double[] dz;
    private final double[] tmpN;
    private final double[] tmpM;
    private final double[] rhsNorm;
    private final double[] norm;
    private final boolean[] refining;
    /** Per lane: whether its last refinement step did not lower its residual (see {@link #undoWorse}). */
    private final boolean[] worse;
    /** Each lane's relative residual before refinement in the last judging solve. */
    private final double[] firstRel;
    /** Each lane's relative residual after its first refinement step in the last judging solve (firstRel where none). */
    private final double[] secondRel;
    /** Per lane the level {@link #judge} gave, and the lanes a {@link #solveJudged} refines. */
    private final int[] levels;
    private final boolean[] toRefine;
    /** {@link NewtonSystem#REFINE_TOL} for every lane: the tolerances of a solve that names none. */
    private final double[] strict;
    /** Per lane 1 where a correction is added, NaN elsewhere ({@link #addCorrection}, {@link #solveJudged}). */
    private final double[] unitWhereRefining;
    /** V = M⁻¹A_Eᵀ: column r (n × lanes) at r·n·lanes. */
    private final double[] v;
    /** S = A_E·V + δI, full storage (zero × zero × lanes), then its Cholesky factor (lower). */
    private final double[] schur;
    private final double[] zE;
    private final double[] axE;

    TileNewtonSystem(ScaledTile data, TileSocCones soc) {
        this.data = data;
        IpmLayout layout = data.layout;
        lanes = data.lanes;
        n = layout.n;
        m = layout.m;
        zero = layout.zero;
        ineqEnd = layout.zero + layout.nonneg;
        system = new DenseReducedCholesky(data.mats, false);
        this.soc = soc;
        socRows = soc == null ? null : new double[n * soc.rows * lanes];
        if (soc != null) {
            coneSource = coneEntries(layout.aPattern, ineqEnd);
            coneA = coneRows(layout.aPattern, ineqEnd, coneSource);
            coneValues = new double[coneSource.length * lanes];
        } else {
            coneSource = null;
            coneA = null;
            coneValues = null;
        }
        rhoY = new double[m * lanes];
        h = new double[m * lanes];
        buf = new double[(n + m) * lanes];
        resX = new double[n * lanes];
        resZ = new double[m * lanes];
        dx = new double[n * lanes];
        dz = new double[m * lanes];
        tmpN = new double[n * lanes];
        tmpM = new double[m * lanes];
        rhsNorm = new double[lanes];
        norm = new double[lanes];
        refining = new boolean[lanes];
        worse = new boolean[lanes];
        firstRel = new double[lanes];
        secondRel = new double[lanes];
        levels = new int[lanes];
        toRefine = new boolean[lanes];
        strict = new double[lanes];
        java.util.Arrays.fill(strict, NewtonSystem.REFINE_TOL);
        unitWhereRefining = new double[lanes];
        v = new double[zero * n * lanes];
        schur = new double[zero * zero * lanes];
        zE = new double[zero * lanes];
        axE = new double[m * lanes];
    }

    /**
     * Assembles and factors every lane's M for the scaling {@code w} (m × lanes: √(s/z) on nonnegative
     * rows, where every lane's entries must be positive and finite, and the scaling point w̄ on cone rows
     * with η held by the {@link TileSocCones}), then the equality rows' Schur complement. The solves
     * read {@code w} until the next factorization.
     */
    void factor(double[] w) {
        scaling = w;
        for (int t = 0; t < zero * lanes; t++) {
            rhoY[t] = Double.POSITIVE_INFINITY; // 1/ρ = 0: the equality rows stay out of M
            h[t] = 0;
        }
        for (int t = zero * lanes; t < ineqEnd * lanes; t++) {
            double wt = w[t];
            rhoY[t] = wt * wt;
            h[t] = rhoY[t];
        }
        if (soc != null) {
            for (int t = ineqEnd * lanes; t < m * lanes; t++) {
                rhoY[t] = Double.POSITIVE_INFINITY; // out of the diagonal weights: the added rows carry them
                h[t] = 0;
            }
            for (int q = 0; q < coneSource.length; q++) {
                System.arraycopy(data.a, coneSource[q] * lanes, coneValues, q * lanes, lanes);
            }
            soc.inverseScaledRows(coneA, coneValues, w, socRows);
            system.factor(NewtonSystem.STATIC_REG, rhoY, socRows, soc.rows);
        } else {
            system.factor(NewtonSystem.STATIC_REG, rhoY);
        }
        if (zero > 0) {
            factorSchur();
        }
    }

    /** V = M⁻¹A_Eᵀ column by column, S = A_E·V + δI and its Cholesky factor, per lane. */
    private void factorSchur() {
        IpmLayout layout = data.layout;
        int nl = n * lanes;
        for (int r = 0; r < zero; r++) {
            java.util.Arrays.fill(buf, 0);
            for (int q = layout.rowStart[r]; q < layout.rowStart[r + 1]; q++) {
                System.arraycopy(data.a, layout.rowToCsc[q] * lanes, buf, layout.rowCol[q] * lanes, lanes);
            }
            system.solve(buf);
            System.arraycopy(buf, 0, v, r * nl, nl);
        }
        for (int r = 0; r < zero; r++) {
            for (int c = 0; c <= r; c++) {
                int o = (r * zero + c) * lanes;
                for (int l = 0; l < lanes; l++) {
                    schur[o + l] = r == c ? EQUALITY_REG : 0;
                }
                for (int q = layout.rowStart[r]; q < layout.rowStart[r + 1]; q++) {
                    int av = layout.rowToCsc[q] * lanes;
                    int vc = c * nl + layout.rowCol[q] * lanes;
                    for (int l = 0; l < lanes; l++) {
                        schur[o + l] += data.a[av + l] * v[vc + l];
                    }
                }
            }
        }
        // Cholesky in place, lower triangle; a lane whose S is not positive definite gets NaN.
        for (int j = 0; j < zero; j++) {
            int dj = (j * zero + j) * lanes;
            for (int k = 0; k < j; k++) {
                int jk = (j * zero + k) * lanes;
                for (int l = 0; l < lanes; l++) {
                    schur[dj + l] -= schur[jk + l] * schur[jk + l];
                }
            }
            for (int l = 0; l < lanes; l++) {
                double d = schur[dj + l];
                schur[dj + l] = d > 0 ? Math.sqrt(d) : Double.NaN;
            }
            for (int i = j + 1; i < zero; i++) {
                int ij = (i * zero + j) * lanes;
                for (int k = 0; k < j; k++) {
                    int ik = (i * zero + k) * lanes;
                    int jk = (j * zero + k) * lanes;
                    for (int l = 0; l < lanes; l++) {
                        schur[ij + l] -= schur[ik + l] * schur[jk + l];
                    }
                }
                for (int l = 0; l < lanes; l++) {
                    schur[ij + l] /= schur[dj + l];
                }
            }
        }
    }

    /**
     * Solves K·(x, z) = (r1, r2) for every lane with iterative refinement (x: n × lanes, z: m × lanes,
     * overwritten) and leaves in {@code rel} each lane's final residual relative to 1 + ‖(r1, r2)‖∞.
     * Refinement follows {@link NewtonSystem}'s rule lane by lane, except that a lane goes on while a step
     * gains a tenth ({@link #MIN_GAIN}; one instance stops once a step gains less than half): near the end
     * of a solve the unpivoted factor needs the slower steps to reach {@link ReducedKkt#FALLBACK_TOL}. Each
     * lane's steps depend on its own residuals only. Lanes not {@code live} are solved but neither refined
     * nor judged.
     */
    void solve(double[] r1, double[] r2, double[] x, double[] z, boolean[] live, double[] rel) {
        solve(r1, r2, x, z, live, rel, strict);
    }

    /**
     * {@link #solve(double[], double[], double[], double[], boolean[], double[])} refining each lane only
     * while its relative residual exceeds {@code tolerance[l]} (at least {@link NewtonSystem#REFINE_TOL});
     * {@link #judge} then says how further solves with this factorization may skip their residuals.
     */
    void solve(double[] r1, double[] r2, double[] x, double[] z, boolean[] live, double[] rel, double[] tolerance) {
        factoredSolve(r1, r2, x, z);
        refine(r1, r2, x, z, live, rel, tolerance, zero == 0, true);
    }

    /**
     * Refines the unrefined solution (x, z) of K·(x, z) = (r1, r2) in the lanes marked {@code lanesToRefine}
     * while each one's relative residual exceeds {@code tolerance[l]}. A {@code judging} call (the step's
     * first solve) leaves every lane's relative residual in {@code rel} and records the residuals before
     * and after the first step for {@link #judge}; any other call writes only the marked lanes' entries.
     * With {@code productKnown}, A·x is the last factored solve's.
     */
    private void refine(double[] r1, double[] r2, double[] x, double[] z, boolean[] lanesToRefine, double[] rel,
                        double[] tolerance, boolean productKnown, boolean judging) {
        maxAbs(r1, n, rhsNorm, true);
        maxAbs(r2, m, rhsNorm, false);
        residual(r1, r2, x, z, productKnown);
        boolean any = false;
        for (int l = 0; l < lanes; l++) {
            if (judging) {
                firstRel[l] = norm[l] / (1 + rhsNorm[l]);
                secondRel[l] = firstRel[l];
            }
            if (judging || lanesToRefine[l]) {
                rel[l] = norm[l] / (1 + rhsNorm[l]);
            }
            refining[l] = lanesToRefine[l] && rel[l] > tolerance[l];
            any |= refining[l];
        }
        for (int it = 0; it < NewtonSystem.MAX_REFINEMENT && any; it++) {
            factoredSolve(resX, resZ, dx, dz);
            addCorrection(x, z);
            residual(r1, r2, x, z, false);
            any = false;
            boolean undo = false;
            for (int l = 0; l < lanes; l++) {
                if (!refining[l]) {
                    continue;
                }
                double next = norm[l] / (1 + rhsNorm[l]);
                if (it == 0 && judging) {
                    secondRel[l] = next;
                }
                worse[l] = !(next < rel[l]);
                if (worse[l]) {
                    undo = true; // refinement stopped helping: keep the better point
                    continue;
                }
                refining[l] = next > tolerance[l] && next < MIN_GAIN * rel[l];
                rel[l] = next;
                any |= refining[l];
            }
            if (undo) {
                undoWorse(x, z);
            }
        }
    }

    /**
     * Judges, lane by lane, how this factorization's further solves may skip their residuals, from the last
     * {@link #solve} at per-lane {@code tolerance}: level 0 where the lane met it unrefined, 1 where it met
     * {@link #LEVEL_ONE_MARGIN} times it after one refinement step, −1 otherwise (refine as usual). The
     * error of an unrefined solve is the factorization's (δ's and rounding), about alike for every
     * right-hand side of similar size. See {@link #solveJudged}.
     */
    void judge(double[] tolerance) {
        for (int l = 0; l < lanes; l++) {
            levels[l] = firstRel[l] <= tolerance[l] ? 0 : secondRel[l] <= LEVEL_ONE_MARGIN * tolerance[l] ? 1 : -1;
        }
    }

    /** The level {@link #judge} gave lane l. */
    int level(int l) {
        return levels[l];
    }

    /**
     * A solve at the levels {@link #judge} gave, each lane as it would be alone: level 0 takes the
     * unrefined solve; level 1 one correction by the regularization's residual, known without products
     * (the factored system has P + δI where K has P, and −δI on the zero-cone rows where K has 0, so the
     * residual of an unrefined (x, z) is (δx, −δz_E) up to rounding); level −1 refines against the exact K
     * as {@link #solve} does and leaves its relative residual in {@code rel} (other lanes' entries stay).
     * Lanes not {@code live} are solved but not corrected.
     */
    void solveJudged(double[] r1, double[] r2, double[] x, double[] z, boolean[] live, double[] rel,
                     double[] tolerance) {
        factoredSolve(r1, r2, x, z);
        boolean corrected = false;
        boolean refined = false;
        for (int l = 0; l < lanes; l++) {
            corrected |= live[l] && levels[l] == 1;
            refined |= live[l] && levels[l] < 0;
        }
        // Refinement first, while the last factored solve's A·x is still x's (the residual reuses it), so
        // that a refined lane's bits do not depend on whether other lanes are corrected; it leaves the
        // other lanes' (x, z) as they were.
        if (refined) {
            for (int l = 0; l < lanes; l++) {
                toRefine[l] = live[l] && levels[l] < 0;
            }
            refine(r1, r2, x, z, toRefine, rel, tolerance, zero == 0, false);
        }
        if (corrected) {
            regularizationCorrection(x, z);
            for (int l = 0; l < lanes; l++) {
                unitWhereRefining[l] = live[l] && levels[l] == 1 ? 1 : Double.NaN;
            }
            LaneLoops.addScaledWhereNumber(x, unitWhereRefining, dx, 0, n, lanes);
            LaneLoops.addScaledWhereNumber(z, unitWhereRefining, dz, 0, m, lanes);
        }
    }

    /** (dx, dz) = the factored solve of the regularization's residual (δx, −δz_E) of an unrefined (x, z). */
    private void regularizationCorrection(double[] x, double[] z) {
        for (int t = 0; t < n * lanes; t++) {
            resX[t] = NewtonSystem.STATIC_REG * x[t];
        }
        if (zero == 0 && soc == null) {
            system.solveWithZeroRy(resX, dx, dz);
        } else {
            java.util.Arrays.fill(resZ, 0);
            for (int t = 0; t < zero * lanes; t++) {
                resZ[t] = -EQUALITY_REG * z[t];
            }
            factoredSolve(resX, resZ, dx, dz);
        }
    }

    /**
     * One solve with the factored, regularized matrices and no refinement (x: n × lanes, z: m × lanes,
     * overwritten): an approximate inverse of K for a caller that refines against a system of its own.
     */
    void solveUnrefined(double[] r1, double[] r2, double[] x, double[] z) {
        factoredSolve(r1, r2, x, z);
    }

    /**
     * Takes back the last correction on the refining lanes marked {@link #worse} (their residual did not
     * fall), and stops them. (Marked, not judged again here: a lane that gained has its new residual in
     * rel already, and comparing with it again would take back its gain.)
     */
    private void undoWorse(double[] x, double[] z) {
        for (int l = 0; l < lanes; l++) {
            if (refining[l] && worse[l]) {
                for (int j = 0; j < n; j++) {
                    x[j * lanes + l] -= dx[j * lanes + l];
                }
                for (int i = 0; i < m; i++) {
                    z[i * lanes + l] -= dz[i * lanes + l];
                }
                refining[l] = false;
            }
        }
    }

    /** x += dx and z += dz on the refining lanes. */
    private void addCorrection(double[] x, double[] z) {
        for (int l = 0; l < lanes; l++) {
            unitWhereRefining[l] = refining[l] ? 1 : Double.NaN; // 1·dx is dx, bit for bit
        }
        LaneLoops.addScaledWhereNumber(x, unitWhereRefining, dx, 0, n, lanes);
        LaneLoops.addScaledWhereNumber(z, unitWhereRefining, dz, 0, m, lanes);
    }

    /**
     * One solve with the factored, regularized matrices: x₀ = M⁻¹(r1 + A_IᵀH⁻¹r2_I), then
     * S·z_E = A_E·x₀ − r2_E, x = x₀ − V·z_E and z_I = H⁻¹(A_I·x − r2_I).
     */
    private void factoredSolve(double[] r1, double[] r2, double[] x, double[] z) {
        int nl = n * lanes;
        int ml = m * lanes;
        if (zero == 0 && soc == null) {
            system.solve(r1, r2, x, z); // the same operations, without staging through buf
            return;
        }
        System.arraycopy(r1, 0, buf, 0, nl);
        System.arraycopy(r2, 0, buf, nl, ml);
        if (soc != null) {
            addConeRhs(r2);
        }
        system.solve(buf);
        System.arraycopy(buf, 0, x, 0, nl);
        if (zero == 0) {
            System.arraycopy(buf, nl, z, 0, ml);
            if (soc != null) {
                java.util.Arrays.fill(axE, ineqEnd * lanes, m * lanes, 0);
                TileSparse.multiplyAdd(coneA, coneValues, false, lanes, x, 0, axE, ineqEnd * lanes);
                coneMultipliers(r2, z);
            }
            return;
        }
        data.multiplyA(x, axE);
        for (int t = 0; t < zero * lanes; t++) {
            zE[t] = axE[t] - r2[t];
        }
        choleskySolve(zE);
        for (int r = 0; r < zero; r++) {
            int vr = r * nl;
            int zr = r * lanes;
            for (int t = 0; t < nl; t += lanes) {
                for (int l = 0; l < lanes; l++) {
                    x[t + l] -= v[vr + t + l] * zE[zr + l];
                }
            }
        }
        data.multiplyA(x, axE);
        System.arraycopy(zE, 0, z, 0, zero * lanes);
        for (int t = zero * lanes; t < ineqEnd * lanes; t++) {
            z[t] = (axE[t] - r2[t]) / rhoY[t];
        }
        if (soc != null) {
            coneMultipliers(r2, z);
        }
    }

    /** buf's x part += A_Cᵀ·H_C⁻¹·r2_C over the cone rows C (the dense Cholesky leaves those rows out). */
    private void addConeRhs(double[] r2) {
        soc.applyH(scaling, r2, tmpM, true);
        TileSparse.transposeMultiplyAdd(coneA, coneValues, false, lanes, tmpM, ineqEnd * lanes, buf, 0);
    }

    /** Entries of A (CSC indices, column by column) in rows {@code first} and after. */
    private static int[] coneEntries(SparsePattern a, int first) {
        int count = 0;
        for (int q = 0; q < a.nnz(); q++) {
            count += a.rowIndex(q) >= first ? 1 : 0;
        }
        int[] out = new int[count];
        for (int q = 0, k = 0; q < a.nnz(); q++) {
            if (a.rowIndex(q) >= first) {
                out[k++] = q;
            }
        }
        return out;
    }

    /** The pattern of A's rows {@code first …} (renumbered from 0) whose entries are {@code source}. */
    private static SparsePattern coneRows(SparsePattern a, int first, int[] source) {
        int[] colStart = new int[a.cols() + 1];
        int[] rowIndex = new int[source.length];
        for (int k = 0; k < source.length; k++) {
            int q = source[k];
            rowIndex[k] = a.rowIndex(q) - first;
        }
        for (int j = 0, k = 0; j < a.cols(); j++) {
            while (k < source.length && source[k] < a.colStart(j + 1)) {
                k++;
            }
            colStart[j + 1] = k;
        }
        return new SparsePattern("A_cones", a.rows() - first, a.cols(), colStart, rowIndex);
    }

    /** z_C = H_C⁻¹(A_C·x − r2_C) on the cone rows, from {@link #axE} = A·x. */
    private void coneMultipliers(double[] r2, double[] z) {
        for (int t = ineqEnd * lanes; t < m * lanes; t++) {
            tmpM[t] = axE[t] - r2[t];
        }
        soc.applyH(scaling, tmpM, z, true);
    }

    /** Solves S·u = b per lane in place with S's Cholesky factor. */
    private void choleskySolve(double[] u) {
        for (int i = 0; i < zero; i++) {
            int oi = i * lanes;
            for (int k = 0; k < i; k++) {
                int ik = (i * zero + k) * lanes;
                for (int l = 0; l < lanes; l++) {
                    u[oi + l] -= schur[ik + l] * u[k * lanes + l];
                }
            }
            int d = (i * zero + i) * lanes;
            for (int l = 0; l < lanes; l++) {
                u[oi + l] /= schur[d + l];
            }
        }
        for (int i = zero - 1; i >= 0; i--) {
            int oi = i * lanes;
            for (int k = i + 1; k < zero; k++) {
                int ki = (k * zero + i) * lanes;
                for (int l = 0; l < lanes; l++) {
                    u[oi + l] -= schur[ki + l] * u[k * lanes + l];
                }
            }
            int d = (i * zero + i) * lanes;
            for (int l = 0; l < lanes; l++) {
                u[oi + l] /= schur[d + l];
            }
        }
    }

    /**
     * resX, resZ = (r1, r2) − K·(x, z) with the exact K; {@link #norm} gets each lane's ∞-norm. With
     * {@code productKnown} x is the last reduced solve's, whose A·x that solve left behind (the same bits).
     */
    private void residual(double[] r1, double[] r2, double[] x, double[] z, boolean productKnown) {
        data.multiplyP(x, resX);
        if (productKnown) {
            System.arraycopy(system.lastProduct(), 0, resZ, 0, m * lanes);
            data.multiplyAt(z, tmpN);
        } else {
            data.multiplyAandAt(x, resZ, z, tmpN);
        }
        for (int t = 0; t < n * lanes; t++) {
            resX[t] = r1[t] - resX[t] - tmpN[t];
        }
        for (int t = 0; t < m * lanes; t++) {
            resZ[t] = r2[t] - resZ[t] + h[t] * z[t];
        }
        if (soc != null) {
            soc.applyH(scaling, z, tmpM, false);
            for (int t = ineqEnd * lanes; t < m * lanes; t++) {
                resZ[t] += tmpM[t];
            }
        }
        maxAbs(resX, n, norm, true);
        maxAbs(resZ, m, norm, false);
    }

    /** out[l] = max(out[l] unless {@code reset}, max_i |v[i·lanes + l]|) over {@code len} entries. */
    private void maxAbs(double[] v, int len, double[] out, boolean reset) {
        if (reset) {
            java.util.Arrays.fill(out, 0);
        }
        LaneLoops.maxAbs(v, len, lanes, out);
    }
}
