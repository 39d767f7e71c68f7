// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cpu;

import io.convexlayers.batch.LaneGather;
import io.convexlayers.batch.LaneSimd;
import io.convexlayers.batch.Lanes8Kernels;
import io.convexlayers.batch.TileSparse;
import io.convexlayers.cone.ConeProjector;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.Acceleration;
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
    private final double[] diagR;
    private final double[] g;
    private final double rhoX;
    private final double[] currentScale;
    private final LinearSystem linearSystem;
    private final ConeProjector projector;
    private final CpuAnderson anderson;
    private final double[] rhoY;
    private final double[] workM;
    private final double[] workN;
    private final double[] workN2;
    private final double[] laneA;
    private final double[] laneB;
    private final double[] laneC;
    private final double[] laneD;
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
        Equilibration.Factors f = Equilibration.scaleMatrices(aPat, aVals, pPat, pVals, cones, valueLanes,
                settings.equilibrate());
        this.d = broadcast(f.d(), m, valueLanes, lanes);
        this.e = broadcast(f.e(), n, valueLanes, lanes);
        this.scaled = new TileMatrices(aPat, aVals, allShared, pPat, pVals, allShared, lanes);

        Equilibration.ScaledVectors scaledVectors = Equilibration.scaleVectors(batch, first, lanes, d, e);
        this.sigma = scaledVectors.sigma();
        this.bHat = scaledVectors.b();
        this.cHat = scaledVectors.c();

        this.linearSystem = LinearSystemFactory.create(settings.linearSystem(), scaled);
        this.projector = new ConeProjector(cones, lanes);
        this.acceleration = settings.acceleration().resolve(pPat != null && pPat.nnz() > 0, cones);
        this.anderson = acceleration == Acceleration.ANDERSON
                ? new CpuAnderson(len, lanes, settings.andersonMemory(), 1e-8) : null;
        this.diagR = new double[(n + m) * lanes];
        this.g = new double[(n + m) * lanes];
        this.rhoY = new double[m * lanes];
        this.currentScale = new double[lanes];
        this.workM = new double[m * lanes];
        this.workN = new double[n * lanes];
        this.workN2 = new double[n * lanes];
        this.laneA = new double[lanes];
        this.laneB = new double[lanes];
        this.laneC = new double[lanes];
        this.laneD = new double[lanes];
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
        this.diagR = LaneGather.gather(from.diagR, w, keep);
        this.g = LaneGather.gather(from.g, w, keep);
        this.rhoY = LaneGather.gather(from.rhoY, w, keep);
        this.currentScale = LaneGather.gather(from.currentScale, w, keep);
        this.scaled = from.scaled.compact(keep);
        this.linearSystem = from.linearSystem.compact(scaled, keep);
        this.projector = new ConeProjector(cones, lanes);
        this.anderson = from.anderson == null ? null : from.anderson.compact(keep);
        this.workM = new double[m * lanes];
        this.workN = new double[n * lanes];
        this.workN2 = new double[n * lanes];
        this.laneA = new double[lanes];
        this.laneB = new double[lanes];
        this.laneC = new double[lanes];
        this.laneD = new double[lanes];
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
            java.util.Arrays.fill(laneA, 0);
            java.util.Arrays.fill(laneB, 0);
            java.util.Arrays.fill(laneC, 0);
            java.util.Arrays.fill(laneD, 0);
            Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
            if (simd != null) {
                simd.tauCoefficients(diagR, g, uTilde, v, n + m, laneA, laneB, laneC);
            } else if (lanes == 1) {
                tauCoefficientsOneLane(v, uTilde);
            } else {
                for (int i = 0; i < n + m; i++) {
                    int o = i * lanes;
                    for (int l = 0; l < lanes; l++) {
                        int k = o + l;
                        double r = diagR[k];
                        double gk = g[k];
                        double pk = uTilde[k];
                        double mu = v[k];
                        laneA[l] += r * gk * gk;
                        laneB[l] += r * (mu * gk - 2 * pk * gk);
                        laneC[l] += r * pk * (pk - mu);
                    }
                }
            }
            for (int l = 0; l < lanes; l++) {
                double eta = v[tauAt + l];
                double a = TAU_WEIGHT + laneA[l];
                double b = laneB[l] - eta * TAU_WEIGHT;
                double c = laneC[l];
                double rad = b * b - 4 * a * c;
                laneA[l] = (-b + Math.sqrt(Math.max(rad, 0))) / (2 * a);
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

    /** The τ equation's coefficients for one lane, summed in registers in the general loop's order. */
    private void tauCoefficientsOneLane(double[] v, double[] uTilde) {
        double a = 0;
        double b = 0;
        double c = 0;
        for (int k = 0; k < n + m; k++) {
            double r = diagR[k];
            double gk = g[k];
            double pk = uTilde[k];
            double mu = v[k];
            a += r * gk * gk;
            b += r * (mu * gk - 2 * pk * gk);
            c += r * pk * (pk - mu);
        }
        laneA[0] = a;
        laneB[0] = b;
        laneC[0] = c;
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
        java.util.Arrays.fill(laneA, 0);
        Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
        if (simd != null) {
            simd.sumSquares(v, len, laneA);
        } else if (lanes == 1) {
            double sum = 0; // in a register: through laneA[0] each term waited for a store and a load
            for (int i = 0; i < len; i++) {
                sum += v[i] * v[i];
            }
            laneA[0] = sum;
        } else {
            for (int i = 0; i < len; i++) {
                int o = i * lanes;
                for (int l = 0; l < lanes; l++) {
                    laneA[l] += v[o + l] * v[o + l];
                }
            }
        }
        double target = Math.sqrt(len);
        for (int l = 0; l < lanes; l++) {
            double nv = Math.sqrt(laneA[l]);
            laneA[l] = nv > 0 && Double.isFinite(nv) ? target / nv : 1;
        }
        if (simd != null) {
            simd.scaleLanes(v, len, laneA);
            return;
        }
        if (lanes == 1) {
            double scale = laneA[0];
            for (int i = 0; i < len; i++) {
                v[i] *= scale;
            }
            return;
        }
        for (int i = 0; i < len; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                v[o + l] *= laneA[l];
            }
        }
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
        for (int l = 0; l < lanes; l++) {
            int o = l * ResidualStats.WIDTH;
            double tau = u[tauAt + l];
            double sg = sigma[l];
            // Solution measures use x = Ex̂/(στ) etc.; with t = 1/(στ) every scaled quantity maps back.
            double t = 1 / (sg * tau);
            double priRes = 0, ax = 0, sNorm = 0, bNorm = 0, certAxs = 0;
            double bty = 0;
            for (int i = 0; i < m; i++) {
                int k = i * lanes + l;
                double dinv = 1 / d[k];
                double axi = workM[k] * dinv;
                double si = rsk[n * lanes + k] * dinv;
                double bi = bHat[k] * dinv / sg;
                priRes = Math.max(priRes, Math.abs((axi + si) * t - bi));
                ax = Math.max(ax, Math.abs(axi * t));
                sNorm = Math.max(sNorm, Math.abs(si * t));
                bNorm = Math.max(bNorm, Math.abs(bi));
                certAxs = Math.max(certAxs, Math.abs((axi + si) / sg));
                bty += bHat[k] * u[nl + k];
            }
            double duaRes = 0, px = 0, aty = 0, cNorm = 0, certPx = 0, certAty = 0;
            double ctx = 0, xpx = 0;
            for (int j = 0; j < n; j++) {
                int k = j * lanes + l;
                double einv = 1 / e[k];
                double pxj = workN2[k] * einv;
                double atyj = workN[k] * einv;
                double cj = cHat[k] * einv / sg;
                duaRes = Math.max(duaRes, Math.abs((pxj + atyj) * t + cj));
                px = Math.max(px, Math.abs(pxj * t));
                aty = Math.max(aty, Math.abs(atyj * t));
                cNorm = Math.max(cNorm, Math.abs(cj));
                certPx = Math.max(certPx, Math.abs(pxj / sg));
                certAty = Math.max(certAty, Math.abs(atyj / sg));
                ctx += cHat[k] * u[k];
                xpx += workN2[k] * u[k];
            }
            // xᵀPx = x̂ᵀP̂x̂/(στ)², cᵀx = ĉᵀx̂/(σ²τ), bᵀy = b̂ᵀŷ/(σ²τ).
            double xPx = xpx * t * t;
            double cTx = ctx * t / sg;
            double bTy = bty * t / sg;
            stats[o + ResidualStats.PRIMAL_RES] = priRes;
            stats[o + ResidualStats.PRIMAL_SCALE] = Math.max(ax, Math.max(sNorm, bNorm));
            stats[o + ResidualStats.DUAL_RES] = duaRes;
            stats[o + ResidualStats.DUAL_SCALE] = Math.max(px, Math.max(aty, cNorm));
            stats[o + ResidualStats.GAP] = Math.abs(xPx + cTx + bTy);
            stats[o + ResidualStats.GAP_SCALE] = Math.max(Math.abs(xPx), Math.max(Math.abs(cTx), Math.abs(bTy)));
            stats[o + ResidualStats.PRIMAL_OBJ] = 0.5 * xPx + cTx;
            stats[o + ResidualStats.DUAL_OBJ] = -0.5 * xPx - bTy;
            stats[o + ResidualStats.TAU] = tau;
            stats[o + ResidualStats.KAPPA] = rsk[tauAt + l];
            stats[o + ResidualStats.CERT_BTY] = bty / (sg * sg);
            stats[o + ResidualStats.CERT_ATY] = certAty;
            stats[o + ResidualStats.CERT_CTX] = ctx / (sg * sg);
            stats[o + ResidualStats.CERT_AXS] = certAxs;
            stats[o + ResidualStats.CERT_PX] = certPx;
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
}
