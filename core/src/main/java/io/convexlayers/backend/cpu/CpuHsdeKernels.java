// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cpu;

import io.convexlayers.batch.LaneGather;
import io.convexlayers.batch.LaneLoops;
import io.convexlayers.batch.LaneSimd;
import io.convexlayers.batch.LaneSums;
import io.convexlayers.batch.Lanes8Kernels;
import io.convexlayers.batch.TileSparse;
import io.convexlayers.cone.ConeProjector;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.Acceleration;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.hsde.Equilibration;
import io.convexlayers.solver.hsde.HsdeKernels;
import io.convexlayers.solver.hsde.ResidualStats;
import io.convexlayers.solver.linsys.LinearSystem;
import io.convexlayers.solver.linsys.LinearSystemFactory;
import io.convexlayers.solver.linsys.TileMatrices;

/**
 * The CPU implementation of {@link HsdeKernels} for one tile of a few lanes, with every vector a
 * batch-minor {@code double[]} and every loop innermost over lanes. A tile's whole working set
 * stays in cache for the duration of its solve (DESIGN §2).
 */
public final class CpuHsdeKernels implements HsdeKernels<double[]> {
    /** Weight d of τ in R (SCS's TAU_FACTOR). */
    static final double TAU_WEIGHT = 10;
    /** Zero-cone rows get a 1000× smaller R_y entry (larger steps on equalities). */
    static final double ZERO_CONE_FACTOR = 1000;

    /**
     * With the SIMD loops an 8-lane tile narrows only below this width: a scalar 4-lane tile costs
     * about what a SIMD 8-lane one does (measured: narrowing to 4 made SIMD solves 1.04–1.9× slower).
     */
    private static final int SIMD_NARROWING_BELOW = 4;
    private final int n;
    private final int m;
    private final int lanes;
    private final int len;
    private final ConeDims cones;
    private final TileMatrices scaled;
    private final double[] d;
    private final double[] e;
    private final double[] sigma;
    private final double[] bHat;
    private final double[] cHat;
    /** ‖A‖max then max(‖A‖max, ‖P‖max) per lane, unscaled ({@link ResidualStats#matrixMagnitudes}). */
    private final double[] magnitudes;
    private final double[] diagR;
    private final double[] g;
    private final double rhoX;
    private final double[] currentScale;
    private final LinearSystem linearSystem;
    private final ConeProjector projector;
    private final CpuAnderson anderson;
    private final double[] rhoY;
    private final double[] workM;
    /** Workspace of {@link #residuals}. */
    private final StatsWork stats;
    private final double[] workN;
    private final double[] workN2;
    private final double[] laneA;
    private final double[] laneB;
    private final double[] laneC;
    /** Partial sums of {@link LaneSums} for widths above one. */
    private final double[] sumScratch;
    /** The settings' acceleration resolved for this program. */
    private final Acceleration acceleration;
    /** The staged anchoring weights ({@link #stageAnchorWeights}). */
    private double[] anchorWeights;

    /**
     * Builds the tile for instances {@code [first, first + lanes)} of {@code batch} (lanes past the
     * end repeat the last instance), equilibrates its data and sets up the linear system.
     */
    public CpuHsdeKernels(BatchConeProgram batch, int first, int lanes, SolverSettings settings) {
        this.n = batch.n();
        this.m = batch.m();
        this.lanes = lanes;
        this.len = n + m + 1;
        this.cones = batch.cones();
        this.rhoX = settings.rhoX();

        SparsePattern aPat = batch.aPattern();
        SparsePattern pPat = batch.pPattern();
        boolean aShared = batch.aValues().isShared();
        boolean pShared = pPat == null || batch.pValues().isShared();
        boolean allShared = aShared && pShared;
        // Equilibrate shared matrices once (one value lane), per-lane matrices lane by lane.
        int valueLanes = allShared ? 1 : lanes;
        double[] aVals = tileValues(batch.aValues(), first, valueLanes);
        double[] pVals = pPat == null ? null : tileValues(batch.pValues(), first, valueLanes);
        this.magnitudes = ResidualStats.matrixMagnitudes(aVals, pVals, valueLanes, lanes,
                new double[2 * lanes]);
        Equilibration.Factors f = Equilibration.scaleMatrices(aPat, aVals, pPat, pVals, cones, valueLanes,
                settings.equilibrate());
        this.d = broadcast(f.d(), m, valueLanes, lanes);
        this.e = broadcast(f.e(), n, valueLanes, lanes);
        this.scaled = new TileMatrices(aPat, aVals, allShared, pPat, pVals, allShared, lanes);

        Equilibration.ScaledVectors scaledVectors = Equilibration.scaleVectors(batch, first, lanes, d, e);
        this.sigma = scaledVectors.sigma();
        this.bHat = scaledVectors.b();
        this.cHat = scaledVectors.c();

        this.linearSystem = allShared && settings.linearSystem() == LinearSystemKind.AUTO
                && balanceSpread(bHat, cHat, m, n, lanes) > Equilibration.MAX_SHARED_BALANCE_SPREAD
                ? LinearSystemFactory.perLane(scaled) : LinearSystemFactory.create(settings.linearSystem(), scaled);
        this.projector = new ConeProjector(cones, lanes);
        this.acceleration = settings.acceleration().resolve(pPat != null && pPat.nnz() > 0, cones);
        this.anderson = acceleration == Acceleration.ANDERSON
                ? new CpuAnderson(len, lanes, settings.andersonMemory(), 1e-8) : null;
        this.diagR = new double[(n + m) * lanes];
        this.g = new double[(n + m) * lanes];
        this.rhoY = new double[m * lanes];
        this.currentScale = new double[lanes];
        this.workM = new double[m * lanes];
        this.stats = new StatsWork(this.lanes);
        this.workN = new double[n * lanes];
        this.workN2 = new double[n * lanes];
        this.laneA = new double[lanes];
        this.laneB = new double[lanes];
        this.laneC = new double[lanes];
        this.sumScratch = new double[LaneSums.TAU_SCRATCH_PER_LANE * lanes];
    }

    /** Lanes {@code keep} of {@code from}, everything gathered (see {@link #compact}). */
    private CpuHsdeKernels(CpuHsdeKernels from, int[] keep) {
        int w = from.lanes;
        this.n = from.n;
        this.m = from.m;
        this.lanes = keep.length;
        this.len = from.len;
        this.cones = from.cones;
        this.rhoX = from.rhoX;
        this.acceleration = from.acceleration;
        this.d = LaneGather.gather(from.d, w, keep);
        this.e = LaneGather.gather(from.e, w, keep);
        this.sigma = LaneGather.gather(from.sigma, w, keep);
        this.bHat = LaneGather.gather(from.bHat, w, keep);
        this.cHat = LaneGather.gather(from.cHat, w, keep);
        this.magnitudes = LaneGather.gather(from.magnitudes, w, keep);
        this.diagR = LaneGather.gather(from.diagR, w, keep);
        this.g = LaneGather.gather(from.g, w, keep);
        this.rhoY = LaneGather.gather(from.rhoY, w, keep);
        this.currentScale = LaneGather.gather(from.currentScale, w, keep);
        this.scaled = from.scaled.compact(keep);
        this.linearSystem = from.linearSystem.compact(scaled, keep);
        this.projector = new ConeProjector(cones, lanes);
        this.anderson = from.anderson == null ? null : from.anderson.compact(keep);
        this.workM = new double[m * lanes];
        this.stats = new StatsWork(this.lanes);
        this.workN = new double[n * lanes];
        this.workN2 = new double[n * lanes];
        this.laneA = new double[lanes];
        this.laneB = new double[lanes];
        this.laneC = new double[lanes];
        this.sumScratch = new double[LaneSums.TAU_SCRATCH_PER_LANE * lanes];
    }

    /** {@link Equilibration#balanceSpread} of the tile's lanes from b̂ and ĉ. */
    static double balanceSpread(double[] bHat, double[] cHat, int m, int n, int lanes) {
        double[] nb = new double[lanes];
        double[] nc = new double[lanes];
        LaneLoops.maxAbs(bHat, m, lanes, nb);
        LaneLoops.maxAbs(cHat, n, lanes, nc);
        return Equilibration.balanceSpread(nb, nc, lanes);
    }

    private static double[] tileValues(BatchArray values, int first, int valueLanes) {
        double[] out = new double[values.length() * valueLanes];
        values.copyTile(first, valueLanes, out);
        return out;
    }

    private static double[] broadcast(double[] src, int length, int srcLanes, int lanes) {
        if (srcLanes == lanes) {
            return src;
        }
        double[] out = new double[length * lanes];
        for (int i = 0; i < length; i++) {
            for (int l = 0; l < lanes; l++) {
                out[i * lanes + l] = src[i];
            }
        }
        return out;
    }

    @Override
    public int lanes() {
        return lanes;
    }

    @Override
    public Acceleration acceleration() {
        return acceleration;
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    public int m() {
        return m;
    }

    /** Only when the linear system can hand over its factorization. */
    @Override
    public boolean canCompact() {
        return linearSystem.canCompact();
    }

    /** Scalar tiles narrow to any power of two; SIMD 8-lane tiles only to 2 or 1 lanes. */
    @Override
    public boolean narrowingPays(int width) {
        return lanes != 8 || width < SIMD_NARROWING_BELOW || LaneSimd.kernels() == null;
    }

    @Override
    public CpuHsdeKernels compact(int[] keep) {
        return new CpuHsdeKernels(this, keep);
    }

    @Override
    public double[] compactVector(double[] src, int[] keep) {
        return LaneGather.gather(src, lanes, keep);
    }

    /** The name of the linear system in use, for logs. */
    public String linearSystemName() {
        return linearSystem.name();
    }

    @Override
    public double[] newVector(int length) {
        return new double[length * lanes];
    }

    @Override
    public void copy(double[] src, double[] dst) {
        System.arraycopy(src, 0, dst, 0, src.length);
    }

    @Override
    public boolean sharedScale() {
        return linearSystem.sharedFactor();
    }

    @Override
    public void setScale(double[] scale) {
        System.arraycopy(scale, 0, currentScale, 0, lanes);
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < lanes; l++) {
                diagR[j * lanes + l] = rhoX;
            }
        }
        for (int i = 0; i < m; i++) {
            double f = cones.isZeroRow(i) ? 1 / ZERO_CONE_FACTOR : 1;
            for (int l = 0; l < lanes; l++) {
                double r = f / scale[l];
                diagR[(n + i) * lanes + l] = r;
                rhoY[i * lanes + l] = r;
            }
        }
        linearSystem.factor(rhoX, rhoY);
        // g = KKT⁻¹(ĉ; −b̂)
        System.arraycopy(cHat, 0, g, 0, n * lanes);
        for (int k = 0; k < m * lanes; k++) {
            g[n * lanes + k] = -bHat[k];
        }
        linearSystem.solve(g);
    }

    @Override
    public void initialize(double[] v, double[] warmX, double[] warmY, double[] warmS, boolean[] warm) {
        java.util.Arrays.fill(v, 0);
        int tau = (len - 1) * lanes;
        for (int l = 0; l < lanes; l++) {
            v[tau + l] = 1;
        }
        if (warm == null) {
            return;
        }
        // Warm start in scaled units: x̂ = σE⁻¹x, ŷ = σD⁻¹y, ŝ = σDs; v = (x̂, ŷ + R_y⁻¹ŝ, 1).
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < lanes; l++) {
                if (!warm[l]) {
                    continue;
                }
                int k = j * lanes + l;
                v[k] = sigma[l] * warmX[k] / e[k];
            }
        }
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < lanes; l++) {
                if (!warm[l]) {
                    continue;
                }
                int k = i * lanes + l;
                double yHat = sigma[l] * warmY[k] / d[k];
                double sHat = sigma[l] * warmS[k] * d[k];
                v[n * lanes + k] = yHat + sHat / diagR[n * lanes + k];
            }
        }
    }

    @Override
    public void linearStep(double[] v, double[] uTilde, boolean fixTau) {
        int nm = (n + m) * lanes;
        int nl = n * lanes;
        for (int k = 0; k < nl; k++) {
            uTilde[k] = diagR[k] * v[k];
        }
        for (int k = nl; k < nm; k++) {
            uTilde[k] = -diagR[k] * v[k];
        }
        linearSystem.solve(uTilde);
        int tauAt = nm;
        if (fixTau) {
            for (int l = 0; l < lanes; l++) {
                laneA[l] = 1;
            }
        } else {
            // Larger root of a·τ² + b·τ + c = 0 with R-weighted inner products (DESIGN §4).
            Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
            if (simd != null) {
                simd.tauCoefficients(diagR, g, uTilde, v, n + m, laneA, laneB, laneC);
            } else {
                LaneSums.tauCoefficients(diagR, g, uTilde, v, n + m, lanes, sumScratch, laneA, laneB, laneC);
            }
            for (int l = 0; l < lanes; l++) {
                laneA[l] = tauRoot(v[tauAt + l], laneA[l], laneB[l], laneC[l]);
            }
        }
        Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
        if (simd != null) {
            simd.subtractScaled(uTilde, laneA, g, n + m);
        } else if (lanes == 1) {
            double tau = laneA[0]; // a local: a store into uTilde could otherwise alias laneA for the compiler
            for (int k = 0; k < nm; k++) {
                uTilde[k] -= tau * g[k];
            }
        } else {
            for (int i = 0; i < n + m; i++) {
                int o = i * lanes;
                for (int l = 0; l < lanes; l++) {
                    uTilde[o + l] -= laneA[l] * g[o + l];
                }
            }
        }
        for (int l = 0; l < lanes; l++) {
            uTilde[tauAt + l] = laneA[l];
        }
    }

    /** τ: the larger root of the τ equation from its R-weighted sums a, b, c and η, v's τ entry. */
    private static double tauRoot(double eta, double sumA, double sumB, double sumC) {
        double a = TAU_WEIGHT + sumA;
        double b = sumB - eta * TAU_WEIGHT;
        double rad = b * b - 4 * a * sumC;
        return (-b + Math.sqrt(Math.max(rad, 0))) / (2 * a);
    }

    @Override
    public void coneStep(double[] uTilde, double[] v, double[] u, boolean fixTau) {
        int total = len * lanes;
        for (int k = 0; k < total; k++) {
            u[k] = 2 * uTilde[k] - v[k];
        }
        projector.projectDual(u, n * lanes);
        int tauAt = (n + m) * lanes;
        for (int l = 0; l < lanes; l++) {
            u[tauAt + l] = fixTau ? 1 : Math.max(u[tauAt + l], 0);
        }
    }

    @Override
    public void relax(double[] v, double[] u, double[] uTilde, double alpha) {
        for (int k = 0; k < v.length; k++) {
            v[k] += alpha * (u[k] - uTilde[k]);
        }
    }

    @Override
    public void normalize(double[] v) {
        if (lanes == 1) {
            normalizeOneLane(v, LaneSums.sumSquares(v, len));
            return;
        }
        Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
        if (simd != null) {
            simd.sumSquares(v, len, laneA);
        } else {
            LaneSums.sumSquares(v, len, lanes, sumScratch, laneA);
        }
        for (int l = 0; l < lanes; l++) {
            laneA[l] = normalizingFactor(laneA[l]);
        }
        LaneLoops.scale(v, len, lanes, laneA);
    }

    /** The factor that brings a lane of squared norm {@code squares} to norm √len (1 if it is 0 or not finite). */
    private double normalizingFactor(double squares) {
        double nv = Math.sqrt(squares);
        return nv > 0 && Double.isFinite(nv) ? Math.sqrt(len) / nv : 1;
    }

    /** {@link #normalize} of a one-lane tile whose v has the squared norm {@code squares}. */
    private void normalizeOneLane(double[] v, double squares) {
        double scale = normalizingFactor(squares);
        for (int i = 0; i < len; i++) {
            v[i] *= scale;
        }
    }

    /**
     * A one-lane tile runs its plain iterations fused ({@link #fusedIterationOneLane}); wider tiles as
     * {@link HsdeKernels#plainIterations}.
     */
    @Override
    public void plainIterations(double[] v, double[] u, double[] uTilde, double alpha, int count) {
        if (lanes != 1) {
            HsdeKernels.super.plainIterations(v, u, uTilde, alpha, count);
            return;
        }
        double squares = LaneSums.sumSquares(v, len);
        for (int i = 0; i < count; i++) {
            squares = fusedIterationOneLane(v, u, uTilde, alpha, squares);
        }
    }

    /** As {@link #plainIterations}, then the check's iteration, which starts from the squared norm the last one left. */
    @Override
    public void iterationsThenCheck(double[] v, double[] u, double[] uTilde, double[] rsk, double alpha, int plain,
                                    double[] stats) {
        if (lanes != 1) {
            HsdeKernels.super.iterationsThenCheck(v, u, uTilde, rsk, alpha, plain, stats);
            return;
        }
        double squares = LaneSums.sumSquares(v, len);
        for (int i = 0; i < plain; i++) {
            squares = fusedIterationOneLane(v, u, uTilde, alpha, squares);
        }
        normalizeOneLane(v, squares);
        linearStep(v, uTilde, false);
        coneStep(uTilde, v, u, false);
        dualIterate(v, u, uTilde, rsk);
        relax(v, u, uTilde, alpha);
        residuals(u, rsk, stats);
    }

    /**
     * One plain iteration of a one-lane tile — {@link #normalize}, {@link #linearStep}, {@link #coneStep},
     * {@link #relax} — with the same operations on the same values in three passes over the vectors
     * where the separate steps take seven (normalization's scaling rides on the right-hand side's
     * pass, τ's subtraction on the cone step's reflection, the next normalization's sum on the
     * relaxation), so its results are theirs bit for bit.
     *
     * @param squares v's squared norm, summed as {@link LaneSums#sumSquares(double[], int)} sums it
     * @return the relaxed v's squared norm, summed the same way
     */
    private double fusedIterationOneLane(double[] v, double[] u, double[] uTilde, double alpha, double squares) {
        int nm = n + m;
        double scale = normalizingFactor(squares);
        for (int k = 0; k < n; k++) {
            double vk = v[k] * scale;
            v[k] = vk;
            uTilde[k] = diagR[k] * vk;
        }
        for (int k = n; k < nm; k++) {
            double vk = v[k] * scale;
            v[k] = vk;
            uTilde[k] = -diagR[k] * vk;
        }
        v[nm] *= scale;
        linearSystem.solve(uTilde);
        LaneSums.tauCoefficients(diagR, g, uTilde, v, nm, 1, sumScratch, laneA, laneB, laneC);
        double tau = tauRoot(v[nm], laneA[0], laneB[0], laneC[0]);
        for (int k = 0; k < nm; k++) {
            double t = uTilde[k] - tau * g[k];
            uTilde[k] = t;
            u[k] = 2 * t - v[k];
        }
        uTilde[nm] = tau;
        u[nm] = 2 * tau - v[nm];
        projector.projectDual(u, n);
        u[nm] = Math.max(u[nm], 0);
        return relaxOneLane(v, u, uTilde, alpha);
    }

    /** {@link #relax} of a one-lane tile, returning the new v's squared norm in {@link LaneSums}' order. */
    private double relaxOneLane(double[] v, double[] u, double[] uTilde, double alpha) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            double v0 = v[k] + alpha * (u[k] - uTilde[k]);
            double v1 = v[k + 1] + alpha * (u[k + 1] - uTilde[k + 1]);
            double v2 = v[k + 2] + alpha * (u[k + 2] - uTilde[k + 2]);
            double v3 = v[k + 3] + alpha * (u[k + 3] - uTilde[k + 3]);
            v[k] = v0;
            v[k + 1] = v1;
            v[k + 2] = v2;
            v[k + 3] = v3;
            s0 += v0 * v0;
            s1 += v1 * v1;
            s2 += v2 * v2;
            s3 += v3 * v3;
        }
        if (k < len) {
            double v0 = v[k] + alpha * (u[k] - uTilde[k]);
            v[k] = v0;
            s0 += v0 * v0;
        }
        if (k + 1 < len) {
            double v1 = v[k + 1] + alpha * (u[k + 1] - uTilde[k + 1]);
            v[k + 1] = v1;
            s1 += v1 * v1;
        }
        if (k + 2 < len) {
            double v2 = v[k + 2] + alpha * (u[k + 2] - uTilde[k + 2]);
            v[k + 2] = v2;
            s2 += v2 * v2;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void dualIterate(double[] v, double[] u, double[] uTilde, double[] rsk) {
        int nm = (n + m) * lanes;
        for (int k = 0; k < nm; k++) {
            rsk[k] = diagR[k] * (v[k] + u[k] - 2 * uTilde[k]);
        }
        for (int k = nm; k < len * lanes; k++) {
            rsk[k] = TAU_WEIGHT * (v[k] + u[k] - 2 * uTilde[k]);
        }
    }

    @Override
    public void resetAfterScaleChange(double[] v, double[] u, double[] uTilde, double[] rsk, double[] anchor,
                                      boolean[] changed) {
        for (int i = 0; i < len; i++) {
            double r = i == len - 1 ? TAU_WEIGHT : 0;
            for (int l = 0; l < lanes; l++) {
                if (!changed[l]) {
                    continue;
                }
                int k = i * lanes + l;
                double w = i < len - 1 ? diagR[k] : r;
                v[k] = rsk[k] / w + 2 * uTilde[k] - u[k];
                anchor[k] = v[k];
            }
        }
        if (anderson != null) {
            anderson.reset(changed);
        }
    }

    @Override
    public void residuals(double[] u, double[] rsk, double[] stats) {
        int nl = n * lanes;
        int tauAt = (n + m) * lanes;
        java.util.Arrays.fill(stats, 0, lanes * ResidualStats.WIDTH, 0);
        // workM = Âx̂, workN = Âᵀŷ, workN2 = P̂x̂ (scaled units)
        java.util.Arrays.fill(workM, 0);
        java.util.Arrays.fill(workN, 0);
        java.util.Arrays.fill(workN2, 0);
        TileSparse.multiplyAdd(scaled.aPattern(), scaled.aValues(), scaled.aShared(), lanes, u, 0, workM, 0);
        TileSparse.transposeMultiplyAdd(scaled.aPattern(), scaled.aValues(), scaled.aShared(), lanes, u, nl,
                workN, 0);
        if (scaled.pPattern() != null) {
            TileSparse.symmetricMultiplyAdd(scaled.pPattern(), scaled.pValues(), scaled.pShared(), lanes, u, 0,
                    workN2, 0);
        }
        // Solution measures use x = Ex̂/(στ) etc.; with t = 1/(στ) every scaled quantity maps back.
        StatsWork w = this.stats;
        for (int l = 0; l < lanes; l++) {
            w.t[l] = 1 / (sigma[l] * u[tauAt + l]);
        }
        double[] pri = w.primalMaxima;
        double[] dua = w.dualMaxima;
        LaneLoops.unscaledResidualRows(workM, rsk, n * lanes, bHat, d, w.t, sigma, true, u, nl, m, lanes, pri, w.bty,
                null);
        LaneLoops.unscaledResidualRows(workN2, workN, 0, cHat, e, w.t, sigma, false, u, 0, n, lanes, dua, w.ctx,
                w.xpx);
        java.util.Arrays.fill(w.xSize, 0);
        java.util.Arrays.fill(w.ySize, 0);
        LaneLoops.maxAbsProduct(e, u, 0, n, lanes, w.xSize);
        LaneLoops.maxAbsProduct(d, u, nl, m, lanes, w.ySize);
        for (int l = 0; l < lanes; l++) {
            int o = l * ResidualStats.WIDTH;
            double sg = sigma[l];
            double t = w.t[l];
            // xᵀPx = x̂ᵀP̂x̂/(στ)², cᵀx = ĉᵀx̂/(σ²τ), bᵀy = b̂ᵀŷ/(σ²τ).
            double xPx = w.xpx[l] * t * t;
            double cTx = w.ctx[l] * t / sg;
            double bTy = w.bty[l] * t / sg;
            // Maxima k·lanes + l: 0 the residual, 1–3 its terms' sizes, 4–6 the certificates' (unscaledResidualRows).
            stats[o + ResidualStats.PRIMAL_RES] = pri[l];
            stats[o + ResidualStats.PRIMAL_SCALE] = Math.max(pri[lanes + l], Math.max(pri[2 * lanes + l],
                    pri[3 * lanes + l]));
            stats[o + ResidualStats.DUAL_RES] = dua[l];
            stats[o + ResidualStats.DUAL_SCALE] = Math.max(dua[lanes + l], Math.max(dua[2 * lanes + l],
                    dua[3 * lanes + l]));
            stats[o + ResidualStats.GAP] = Math.abs(xPx + cTx + bTy);
            stats[o + ResidualStats.GAP_SCALE] = Math.max(Math.abs(xPx), Math.max(Math.abs(cTx), Math.abs(bTy)));
            stats[o + ResidualStats.PRIMAL_OBJ] = 0.5 * xPx + cTx;
            stats[o + ResidualStats.DUAL_OBJ] = -0.5 * xPx - bTy;
            stats[o + ResidualStats.TAU] = u[tauAt + l];
            stats[o + ResidualStats.KAPPA] = rsk[tauAt + l];
            stats[o + ResidualStats.CERT_BTY] = w.bty[l] / (sg * sg);
            stats[o + ResidualStats.CERT_ATY] = dua[6 * lanes + l];
            stats[o + ResidualStats.CERT_CTX] = w.ctx[l] / (sg * sg);
            stats[o + ResidualStats.CERT_AXS] = pri[4 * lanes + l];
            stats[o + ResidualStats.CERT_PX] = dua[5 * lanes + l];
            stats[o + ResidualStats.CERT_X_SCALE] = magnitudes[lanes + l] * w.xSize[l] / sg;
            stats[o + ResidualStats.CERT_Y_SCALE] = magnitudes[l] * w.ySize[l] / sg;
        }
    }

    @Override
    public void readSolution(double[] u, double[] rsk, int lane, double divisor, double[] x, double[] y,
                             double[] s, int column, int stride) {
        double sg = sigma[lane];
        for (int j = 0; j < n; j++) {
            int k = j * lanes + lane;
            x[j * stride + column] = e[k] * u[k] / (sg * divisor);
        }
        for (int i = 0; i < m; i++) {
            int k = i * lanes + lane;
            y[i * stride + column] = d[k] * u[n * lanes + k] / (sg * divisor);
            s[i * stride + column] = rsk[n * lanes + k] / (d[k] * sg * divisor);
        }
    }

    /** D and E of the lane, with no cost scale (NaN): this method scales b and c by σ jointly instead. */
    @Override
    public void recordScaling(int lane, BatchSolution.Builder out, int instance) {
        out.recordScaling(instance, d, e, Double.NaN, lane, lanes);
    }

    @Override
    public void andersonStep(double[] v, double[] anchor, boolean[] apply) {
        if (anderson != null) {
            anderson.step(v, anchor, apply);
        } else {
            System.arraycopy(v, 0, anchor, 0, v.length);
        }
    }

    @Override
    public void andersonReject(double[] v, double[] anchor, boolean[] reject) {
        if (anderson != null) {
            anderson.reject(v, anchor, reject);
        }
    }

    @Override
    public void fixedPointResidual(double[] v, double[] anchor, double[] out) {
        java.util.Arrays.fill(out, 0, lanes, 0);
        for (int i = 0; i < len; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                double r = v[o + l] - anchor[o + l];
                out[l] += r * r;
            }
        }
        for (int l = 0; l < lanes; l++) {
            out[l] = Math.sqrt(out[l]);
        }
    }

    @Override
    public void stageAnchorWeights(double[] weights, int rows) {
        anchorWeights = weights;
    }

    @Override
    public void anchor(double[] v, double[] anchor, int row) {
        normalize(v);
        int w0 = row * lanes;
        for (int i = 0; i < len; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                double w = anchorWeights[w0 + l];
                v[o + l] = w * v[o + l] + (1 - w) * anchor[o + l];
            }
        }
    }

    @Override
    public void copyLanes(double[] src, double[] dst, boolean[] chosen) {
        for (int i = 0; i < len; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                if (chosen[l]) {
                    dst[o + l] = src[o + l];
                }
            }
        }
    }

    /** Per-lane maxima and sums of {@link #residuals}, and t = 1/(στ). */
    private static final class StatsWork {
        final double[] t;
        final double[] primalMaxima;
        final double[] dualMaxima;
        final double[] bty;
        final double[] ctx;
        final double[] xpx;
        /** ‖Ex̂‖∞ and ‖Dŷ‖∞ per lane, the certificate directions' sizes times σ. */
        final double[] xSize;
        final double[] ySize;

        StatsWork(int lanes) {
            t = new double[lanes];
            primalMaxima = new double[7 * lanes];
            dualMaxima = new double[7 * lanes];
            bty = new double[lanes];
            ctx = new double[lanes];
            xpx = new double[lanes];
            xSize = new double[lanes];
            ySize = new double[lanes];
        }
    }
}
