// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.batch.TileSparse;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.linsys.DenseReducedCholesky;
import io.convexlayers.solver.linsys.TileMatrices;

import java.util.Arrays;

/**
 * The refinement's Newton step on the residual map with τ held at 1 ({@link ForwardError}) for programs
 * whose cones are zero, nonnegative and second-order, solved through a symmetric factorization instead of
 * LSQR or an LU of the residual map's active block: every lane of a tile at once, with one dense Cholesky
 * per lane of order n.
 *
 * <p>At the point (x, v), v = y − s, with ȳ = Π_{K*}(v), s̄ = ȳ − v, the step solves
 * <pre>
 *   P·dx + Aᵀ·D·dv = −F1,   A·dx + (D − I)·dv = −F2,   F1 = P·x + c + Aᵀȳ,  F2 = A·x + s̄ − b,
 * </pre>
 * D = DΠ(v). D is symmetric with an orthonormal eigenbasis per cone: eigenvalue 1 on the zero-cone rows,
 * on nonnegative rows with v &gt; 0 and on a second-order cone with v inside K* (ȳ = v); 0 on
 * nonnegative rows with v ≤ 0 and on a cone with v inside −K (ȳ = 0); and for a cone with both ȳ and s̄
 * on its boundary (v = (t, w), ‖w‖ = r &gt; |t|, u = w/r): 1 along (1, u)/√2, 0 along (1, −u)/√2 and
 * α = (1 + t/r)/2 on the k − 2 directions (0, q), q ⊥ u (from a Householder reflection taking u to a
 * multiple of e₁). In that basis (Ã = QᵀA, F̃2 = QᵀF2) the eigenvalue-0 rows decouple
 * (dṽ = F̃2 + ãᵀdx), and the rest is the quasi-definite system
 * <pre>
 *   P·dx + Ãᵀŷ = −F1,   ã_iᵀdx − ρ_i·ŷ_i = −F̃2_i,   ρ_i = 0 (eigenvalue 1),  (1 − α)/α (eigenvalue α),
 * </pre>
 * with dṽ_i = ŷ_i and ŷ_i/α respectively: the interior-point method's Newton system at the limit of its
 * scaling. It is factored as [[P + δI, Ãᵀ], [Ã, −diag(ρ + δ)]] by {@link DenseReducedCholesky} and refined
 * against the exact system, which removes δ.
 *
 * <p>The step is the same Newton step that {@link ForwardError} computes by LSQR (on all but the residual
 * map's last row, which the step keeps satisfied to second order), so the refinement converges
 * quadratically where the point's cone faces are the solution's. Each lane is solved as it would be
 * alone; a lane whose solve does not converge gets a NaN error (unknown) and is not moved.
 */
final class ConeFaceStep {
    /** Regularization δ of the factored system, relative to the largest entry of A (and P). */
    static final double REGULARIZATION = 1e-9;
    /** Refinement stops at this relative residual; a lane ending above {@link #SOLVED_RESIDUAL} fails. */
    private static final double STOP_RESIDUAL = 1e-14;
    static final double SOLVED_RESIDUAL = 1e-9;
    private static final int MAX_REFINEMENT = 12;
    /** The dense factor's order at most: beyond it the n³/6 factorization costs more than LSQR's steps. */
    static final int MAX_ORDER = 1200;
    private static final double INV_SQRT2 = Math.sqrt(0.5);

    private final ConeDims cones;
    private final int lanes;
    private final int n;
    private final int m;
    /** The tile's own P and A (the program's, unrotated). */
    private final TileMatrices data;
    private final SparsePattern aPattern;
    /** Ã's pattern: A's, with every row of a second-order cone holding the union of that cone's columns. */
    private final SparsePattern facePattern;
    /** Per cone c: its columns (union over its rows), and for (row r of the cone, column index q) Ã's entry and A's (−1: none). */
    private final int[][] coneCols;
    private final int[][] faceEntry;
    private final int[][] sourceEntry;
    /** For A's entries outside the cones: their index in Ã (−1 for cone rows). */
    private final int[] plainEntry;

    /**
     * Whether the face step and solves serve programs with these cones and n variables: second-order cones,
     * besides zero and nonnegative ones only, and n ≤ {@link #MAX_ORDER}. (LPs and QPs keep their own
     * active-set solves, which a dense factorization of order n would not beat on large sparse programs.)
     */
    static boolean supports(ConeDims cones, int n) {
        return cones.soc().length > 0 && cones.psd().length == 0 && cones.exp() == 0 && cones.dualExp() == 0
                && cones.power().length == 0 && n <= MAX_ORDER;
    }

    /**
     * @param mats the tile's P and A (values per lane or shared), unscaled: the program's own
     */
    ConeFaceStep(ConeDims cones, TileMatrices mats) {
        this.cones = cones;
        this.lanes = mats.lanes();
        this.n = mats.n();
        this.m = mats.m();
        this.data = mats;
        this.aPattern = mats.aPattern();
        int[] soc = cones.soc();
        int[] coneOf = new int[m];
        Arrays.fill(coneOf, -1);
        int[] coneStart = new int[soc.length];
        for (int c = 0, r = cones.socStart(); c < soc.length; r += soc[c], c++) {
            coneStart[c] = r;
            Arrays.fill(coneOf, r, r + soc[c], c);
        }
        // The face pattern, column by column: plain rows as in A, a cone's rows all present where any is.
        int[] colStart = new int[n + 1];
        int[] rows = new int[Math.max(16, aPattern.nnz() * 2)];
        int nnz = 0;
        boolean[][] coneHasCol = new boolean[soc.length][n];
        for (int j = 0; j < n; j++) {
            for (int k = aPattern.colStart(j); k < aPattern.colStart(j + 1); k++) {
                int c = coneOf[aPattern.rowIndex(k)];
                if (c >= 0) {
                    coneHasCol[c][j] = true;
                }
            }
        }
        for (int j = 0; j < n; j++) {
            colStart[j] = nnz;
            boolean[] seen = new boolean[soc.length];
            for (int k = aPattern.colStart(j); k < aPattern.colStart(j + 1); k++) {
                int r = aPattern.rowIndex(k);
                int c = coneOf[r];
                if (c < 0) {
                    rows = grow(rows, nnz + 1);
                    rows[nnz++] = r;
                } else if (!seen[c]) {
                    seen[c] = true;
                    rows = grow(rows, nnz + soc[c]);
                    for (int q = 0; q < soc[c]; q++) {
                        rows[nnz++] = coneStart[c] + q;
                    }
                }
            }
        }
        colStart[n] = nnz;
        facePattern = new SparsePattern("cone-face A", m, n, colStart, Arrays.copyOf(rows, nnz));
        plainEntry = new int[aPattern.nnz()];
        coneCols = new int[soc.length][];
        faceEntry = new int[soc.length][];
        sourceEntry = new int[soc.length][];
        for (int c = 0; c < soc.length; c++) {
            int count = 0;
            for (int j = 0; j < n; j++) {
                count += coneHasCol[c][j] ? 1 : 0;
            }
            coneCols[c] = new int[count];
            for (int j = 0, q = 0; j < n; j++) {
                if (coneHasCol[c][j]) {
                    coneCols[c][q++] = j;
                }
            }
            faceEntry[c] = new int[soc[c] * count];
            sourceEntry[c] = new int[soc[c] * count];
            Arrays.fill(sourceEntry[c], -1);
            for (int q = 0; q < count; q++) {
                int j = coneCols[c][q];
                for (int r = 0; r < soc[c]; r++) {
                    faceEntry[c][r * count + q] = facePattern.find(coneStart[c] + r, j);
                    sourceEntry[c][r * count + q] = aPattern.find(coneStart[c] + r, j);
                }
            }
        }
        for (int j = 0; j < n; j++) {
            for (int k = aPattern.colStart(j); k < aPattern.colStart(j + 1); k++) {
                int r = aPattern.rowIndex(k);
                plainEntry[k] = coneOf[r] >= 0 ? -1 : facePattern.find(r, j);
            }
        }
    }

    private static int[] grow(int[] a, int need) {
        return need <= a.length ? a : Arrays.copyOf(a, Math.max(need, 2 * a.length));
    }

    /**
     * The exact points z* = (x + dx, v + dv, 1) and their relative distances ‖(dx, dv)‖/‖(x, v, 1)‖ of the
     * lanes marked in {@code marked} (others zero); a lane whose solve did not converge (a singular system:
     * a wrongly guessed face, or a degenerate one) gets a NaN distance beside the regularized system's z*.
     *
     * @param b, c, x, y, s the tile's data and point, batch-minor ({@code lanes} per entry)
     */
    ForwardError.ExactPoints exactPoints(double[] b, double[] c, double[] x, double[] y, double[] s, boolean[] marked) {
        return at(y, s).exactPoints(b, c, x, marked);
    }

    /** The face system at the point whose y and s are given (v = y − s), factored. */
    FaceSystem at(double[] y, double[] s) {
        double[] v = new double[m * lanes];
        for (int k = 0; k < v.length; k++) {
            v[k] = y[k] - s[k];
        }
        return new FaceSystem(v);
    }

    /**
     * The quasi-definite system of one point's faces, factored per lane: the Newton step's
     * ({@link #exactPoints}) and the derivative's ({@link #jvp}, {@link #vjp}) matrix.
     */
    final class FaceSystem {
        private final double[] v;
        private final Face face;
        private final TileMatrices mats;
        private final DenseReducedCholesky system;

        private FaceSystem(double[] v) {
            this.v = v;
            face = new Face(v);
            double[] faceValues = face.rotatedA();
            double delta = REGULARIZATION * scale(faceValues);
            int ml = m * lanes;
            double[] rho = new double[ml];
            for (int k = 0; k < ml; k++) {
                rho[k] = decoupled(k) ? Double.POSITIVE_INFINITY : face.exactRho[k] + delta;
            }
            mats = new TileMatrices(facePattern, faceValues, false, data.pPattern(), data.pValues(), data.pShared(), lanes);
            system = DenseReducedCholesky.widthIndependent(mats); // a lane's step as it would be alone
            system.factor(delta, rho);
        }

        private boolean decoupled(int k) {
            return face.exactRho[k] == Double.POSITIVE_INFINITY;
        }

        /**
         * Solves [[P, Ãᵀ], [Ã, −diag(ρ)]]·(dx, ŷ) = (r1, r2) (r2 in the rotated basis; its decoupled rows
         * are ignored and ŷ's are zero there), refined lane by lane; returns each lane's relative residual.
         */
        double[] solve(double[] r1, double[] r2, double[] dx, double[] yHat, boolean[] marked) {
            double[] rhs2 = r2.clone();
            for (int k = 0; k < rhs2.length; k++) {
                if (decoupled(k)) {
                    rhs2[k] = 0;
                }
            }
            system.solve(r1, rhs2, dx, yHat);
            return refine(system, mats, face.exactRho, r1, rhs2, dx, yHat, marked);
        }

        /** {@link ConeFaceStep#exactPoints} at this system's point, whose x is given. */
        ForwardError.ExactPoints exactPoints(double[] b, double[] c, double[] x, boolean[] marked) {
            int nl = n * lanes;
            int ml = m * lanes;
            double[][] f = kktResiduals(b, c, x, v, face.yBar);
            double[] r1 = new double[nl];
            for (int k = 0; k < nl; k++) {
                r1[k] = -f[0][k];
            }
            double[] f2 = f[1];
            double[] r2 = f2.clone();
            face.rotate(r2);
            for (int k = 0; k < ml; k++) {
                r2[k] = -r2[k];
            }
            double[] dx = new double[nl];
            double[] yHat = new double[ml];
            double[] rel = solve(r1, r2, dx, yHat, marked);
            // dv: ŷ on eigenvalue-1 rows, ŷ/α on tangential ones, F̃2 + ãᵀdx on decoupled ones; then back by Q.
            double[] g = f2;
            multiplyA(dx, g); // g = F2 + A·dx
            face.rotate(g);
            double[] dv = new double[ml];
            for (int k = 0; k < ml; k++) {
                double r = face.exactRho[k];
                dv[k] = decoupled(k) ? g[k] : r == 0 ? yHat[k] : yHat[k] / face.alpha[k];
            }
            face.rotateBack(dv);
            int len = n + m + 1;
            double[] zStar = new double[len * lanes];
            double[] error = new double[lanes];
            for (int l = 0; l < lanes; l++) {
                if (!marked[l]) {
                    continue;
                }
                double dd = 0;
                double zz = 1;
                for (int j = 0; j < n; j++) {
                    int k = j * lanes + l;
                    zStar[k] = x[k] + dx[k];
                    dd += dx[k] * dx[k];
                    zz += x[k] * x[k];
                }
                for (int i = 0; i < m; i++) {
                    int k = i * lanes + l;
                    zStar[nl + k] = v[k] + dv[k];
                    dd += dv[k] * dv[k];
                    zz += v[k] * v[k];
                }
                zStar[(n + m) * lanes + l] = 1;
                double e = Math.sqrt(dd / zz);
                error[l] = Double.isFinite(e) && rel[l] <= SOLVED_RESIDUAL ? e : Double.NaN;
            }
            return new ForwardError.ExactPoints(zStar, error);
        }

        /**
         * The forward derivative: (dx, dv) with P·dx + Aᵀ·D·dv = f1 and A·dx + (D − I)·dv = f2 (f1 =
         * −(dP·x + dc + dAᵀȳ), f2 = db − dA·x), then dy = D·dv and ds = dy − dv (all batch-minor tile
         * arrays); returns each lane's relative residual.
         */
        double[] jvp(double[] f1, double[] f2, boolean[] marked, double[] dx, double[] dy, double[] ds) {
            int ml = m * lanes;
            double[] r2 = f2.clone();
            face.rotate(r2);
            double[] yHat = new double[ml];
            double[] rel = solve(f1, r2, dx, yHat, marked);
            // Decoupled rows: ãᵀdx − dṽ = f̃2, so dṽ = (A·dx − f2) rotated; dy = Q·Λ·dṽ is ŷ rotated back.
            double[] g = new double[ml];
            multiplyA(dx, g);
            for (int k = 0; k < ml; k++) {
                g[k] -= f2[k];
            }
            face.rotate(g);
            double[] dv = new double[ml];
            for (int k = 0; k < ml; k++) {
                double r = face.exactRho[k];
                dv[k] = decoupled(k) ? g[k] : r == 0 ? yHat[k] : yHat[k] / face.alpha[k];
                dy[k] = decoupled(k) ? 0 : yHat[k];
            }
            face.rotateBack(dv);
            face.rotateBack(dy);
            for (int k = 0; k < ml; k++) {
                ds[k] = dy[k] - dv[k];
            }
            return rel;
        }

        /**
         * The adjoint: (u, w) with Jᵀ·(u, w) = (∂x, D·∂y + (D − I)·∂s) for J = [[P, AᵀD], [A, D − I]], so that
         * dc = −u, db = w, dA = −ȳuᵀ − wxᵀ, dP = −½(uxᵀ + xuᵀ); returns each lane's relative residual.
         */
        double[] vjp(double[] gx, double[] gy, double[] gs, boolean[] marked, double[] u, double[] w) {
            int ml = m * lanes;
            double[] gyR = gy.clone();
            double[] gsR = gs.clone();
            face.rotate(gyR);
            face.rotate(gsR);
            // Rows of eigenvalue 1: ãᵀu = ∂ỹ; tangential: ãᵀu − ρŵ = ∂ỹ + (α − 1)/α·∂s̃; decoupled: w̃ = ∂s̃.
            double[] r2 = new double[ml];
            double[] known = new double[ml];
            for (int k = 0; k < ml; k++) {
                double r = face.exactRho[k];
                if (decoupled(k)) {
                    known[k] = gsR[k];
                } else {
                    r2[k] = r == 0 ? gyR[k] : gyR[k] + (face.alpha[k] - 1) / face.alpha[k] * gsR[k];
                }
            }
            double[] r1 = gx.clone();
            double[] aKnown = new double[n * lanes];
            TileSparse.transposeMultiplyAdd(facePattern, mats.aValues(), false, lanes, known, 0, aKnown, 0);
            for (int k = 0; k < r1.length; k++) {
                r1[k] -= aKnown[k];
            }
            double[] wHat = new double[ml];
            double[] rel = solve(r1, r2, u, wHat, marked);
            for (int k = 0; k < ml; k++) {
                w[k] = decoupled(k) ? known[k] : wHat[k];
            }
            face.rotateBack(w);
            return rel;
        }
    }

    /**
     * Per lane ‖(F1, F2)‖/‖(x, v, 1)‖ at the point (x, v = y − s): the residuals the step's Newton system
     * linearizes (the residual map without its gap row, which complementary y and s satisfy at a zero of
     * F1 and F2); 0 in lanes not {@code marked}, +∞ where not finite.
     */
    double[] relativeResidual(double[] b, double[] c, double[] x, double[] y, double[] s, boolean[] marked) {
        int nl = n * lanes;
        int ml = m * lanes;
        double[] v = new double[ml];
        for (int k = 0; k < ml; k++) {
            v[k] = y[k] - s[k];
        }
        double[][] f = kktResiduals(b, c, x, v, new Face(v).yBar);
        double[] rr = new double[lanes];
        double[] zz = new double[lanes];
        for (int k = 0; k < nl; k++) {
            rr[k % lanes] += f[0][k] * f[0][k];
            zz[k % lanes] += x[k] * x[k];
        }
        for (int k = 0; k < ml; k++) {
            rr[k % lanes] += f[1][k] * f[1][k];
            zz[k % lanes] += v[k] * v[k];
        }
        double[] out = new double[lanes];
        for (int l = 0; l < lanes; l++) {
            double rel = Math.sqrt(rr[l] / (zz[l] + 1));
            out[l] = !marked[l] ? 0 : Double.isFinite(rel) ? rel : Double.POSITIVE_INFINITY;
        }
        return out;
    }

    /** F1 = P·x + c + Aᵀȳ and F2 = A·x + ȳ − v − b (s̄ = ȳ − v) of the tile's lanes, as {F1, F2}. */
    private double[][] kktResiduals(double[] b, double[] c, double[] x, double[] v, double[] yBar) {
        int nl = n * lanes;
        int ml = m * lanes;
        double[] f1 = new double[nl];
        multiplyP(x, f1);
        multiplyAt(yBar, f1);
        for (int k = 0; k < nl; k++) {
            f1[k] += c[k];
        }
        double[] f2 = new double[ml];
        multiplyA(x, f2);
        for (int k = 0; k < ml; k++) {
            f2[k] += yBar[k] - v[k] - b[k];
        }
        return new double[][] {f1, f2};
    }

    /** The largest |entry| of Ã and P over the tile, at least 1 (δ's scale). */
    private double scale(double[] faceValues) {
        double s = 1;
        for (double a : faceValues) {
            s = Math.max(s, Math.abs(a));
        }
        if (data.pValues() != null) {
            for (double p : data.pValues()) {
                s = Math.max(s, Math.abs(p));
            }
        }
        return s;
    }

    /**
     * Iterative refinement of (dx, ŷ) against the exact system (ρ exact, no δ), lane by lane while a step
     * lowers the residual; returns each lane's final ‖residual‖∞/(1 + ‖(r1, r2)‖∞).
     */
    private double[] refine(DenseReducedCholesky system, TileMatrices mats, double[] exactRho, double[] r1,
                            double[] r2, double[] dx, double[] yHat, boolean[] marked) {
        int nl = n * lanes;
        int ml = m * lanes;
        double[] rhsNorm = new double[lanes];
        for (int k = 0; k < nl; k++) {
            rhsNorm[k % lanes] = Math.max(rhsNorm[k % lanes], Math.abs(r1[k]));
        }
        for (int k = 0; k < ml; k++) {
            rhsNorm[k % lanes] = Math.max(rhsNorm[k % lanes], Math.abs(r2[k]));
        }
        double[] e1 = new double[nl];
        double[] e2 = new double[ml];
        double[] rel = residual(mats, exactRho, r1, r2, dx, yHat, e1, e2, rhsNorm);
        boolean[] going = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            going[l] = marked[l] && rel[l] > STOP_RESIDUAL;
        }
        double[] cx = new double[nl];
        double[] cy = new double[ml];
        double[] oldX = new double[nl];
        double[] oldY = new double[ml];
        for (int it = 0; it < MAX_REFINEMENT && any(going); it++) {
            system.solve(e1, e2, cx, cy);
            System.arraycopy(dx, 0, oldX, 0, nl);
            System.arraycopy(yHat, 0, oldY, 0, ml);
            for (int k = 0; k < nl; k++) {
                if (going[k % lanes]) {
                    dx[k] += cx[k];
                }
            }
            for (int k = 0; k < ml; k++) {
                if (going[k % lanes] && exactRho[k] != Double.POSITIVE_INFINITY) {
                    yHat[k] += cy[k];
                }
            }
            double[] next = residual(mats, exactRho, r1, r2, dx, yHat, e1, e2, rhsNorm);
            boolean undo = false;
            for (int l = 0; l < lanes; l++) {
                if (!going[l]) {
                    next[l] = rel[l];
                    continue;
                }
                if (!(next[l] < rel[l])) {
                    undo = true;
                    going[l] = false;
                    next[l] = rel[l];
                    for (int k = l; k < nl; k += lanes) {
                        dx[k] = oldX[k];
                    }
                    for (int k = l; k < ml; k += lanes) {
                        yHat[k] = oldY[k];
                    }
                    continue;
                }
                going[l] = next[l] > STOP_RESIDUAL && next[l] < 0.5 * rel[l];
            }
            rel = next;
            if (undo) {
                residual(mats, exactRho, r1, r2, dx, yHat, e1, e2, rhsNorm); // e1, e2 of the kept points
            }
        }
        return rel;
    }

    /** e = r − K·(dx, ŷ) of the exact system (decoupled rows: 0), and per lane ‖e‖∞/(1 + ‖r‖∞). */
    private double[] residual(TileMatrices mats, double[] exactRho, double[] r1, double[] r2, double[] dx,
                              double[] yHat, double[] e1, double[] e2, double[] rhsNorm) {
        int nl = n * lanes;
        int ml = m * lanes;
        double[] kx = new double[nl];
        multiplyP(dx, kx);
        TileSparse.transposeMultiplyAdd(mats.aPattern(), mats.aValues(), false, lanes, yHat, 0, kx, 0);
        double[] ky = new double[ml];
        TileSparse.multiplyAdd(mats.aPattern(), mats.aValues(), false, lanes, dx, 0, ky, 0);
        double[] norm = new double[lanes];
        for (int k = 0; k < nl; k++) {
            e1[k] = r1[k] - kx[k];
            norm[k % lanes] = Math.max(norm[k % lanes], Math.abs(e1[k]));
        }
        for (int k = 0; k < ml; k++) {
            double rho = exactRho[k];
            e2[k] = rho == Double.POSITIVE_INFINITY ? 0 : r2[k] - (ky[k] - rho * yHat[k]);
            norm[k % lanes] = Math.max(norm[k % lanes], Math.abs(e2[k]));
        }
        double[] rel = new double[lanes];
        for (int l = 0; l < lanes; l++) {
            double r = norm[l] / (1 + rhsNorm[l]);
            rel[l] = Double.isNaN(r) ? Double.POSITIVE_INFINITY : r;
        }
        return rel;
    }

    private void multiplyP(double[] u, double[] out) {
        if (data.pPattern() != null) {
            TileSparse.symmetricMultiplyAdd(data.pPattern(), data.pValues(), data.pShared(), lanes, u, 0, out, 0);
        }
    }

    /** out += A·u (the tile's own A). */
    private void multiplyA(double[] u, double[] out) {
        TileSparse.multiplyAdd(aPattern, data.aValues(), data.aShared(), lanes, u, 0, out, 0);
    }

    /** out += Aᵀ·u. */
    private void multiplyAt(double[] u, double[] out) {
        TileSparse.transposeMultiplyAdd(aPattern, data.aValues(), data.aShared(), lanes, u, 0, out, 0);
    }

    private static boolean any(boolean[] flags) {
        for (boolean f : flags) {
            if (f) {
                return true;
            }
        }
        return false;
    }

    /**
     * The faces of one point: ȳ = Π_{K*}(v), each row's exact ρ in the rotated basis (0: eigenvalue 1,
     * +∞: eigenvalue 0, (1 − α)/α: tangential), α, and per (cone, lane) the rotation: u and the
     * Householder vector h (H = I − 2hhᵀ/‖h‖², H·u = σe₁) where the cone's v is on neither side.
     */
    private final class Face {
        final double[] yBar;
        final double[] exactRho;
        final double[] alpha;
        /** Per cone, per lane: whether the cone is rotated (both ȳ and s̄ nonzero). */
        final boolean[][] rotated;
        /** Per cone: u (lane-minor, (k − 1) × lanes) and h likewise; ‖h‖² per lane. */
        final double[][] u;
        final double[][] h;
        final double[][] hh;

        Face(double[] v) {
            int ml = m * lanes;
            yBar = new double[ml];
            exactRho = new double[ml];
            alpha = new double[ml];
            int zl = cones.zero() * lanes;
            for (int k = 0; k < zl; k++) {
                yBar[k] = v[k];
            }
            int nonnegEnd = (cones.zero() + cones.nonneg()) * lanes;
            for (int k = zl; k < nonnegEnd; k++) {
                yBar[k] = Math.max(v[k], 0);
                exactRho[k] = v[k] > 0 ? 0 : Double.POSITIVE_INFINITY;
            }
            int[] soc = cones.soc();
            rotated = new boolean[soc.length][lanes];
            u = new double[soc.length][];
            h = new double[soc.length][];
            hh = new double[soc.length][lanes];
            for (int c = 0, r0 = cones.socStart(); c < soc.length; r0 += soc[c], c++) {
                int k = soc[c];
                u[c] = new double[(k - 1) * lanes];
                h[c] = new double[(k - 1) * lanes];
                for (int l = 0; l < lanes; l++) {
                    classify(v, c, r0, k, l);
                }
            }
        }

        private void classify(double[] v, int c, int r0, int k, int l) {
            double t = v[r0 * lanes + l];
            double rr = 0;
            for (int i = 1; i < k; i++) {
                double w = v[(r0 + i) * lanes + l];
                rr += w * w;
            }
            double r = Math.sqrt(rr);
            if (r <= t) { // v ∈ K*: ȳ = v, every direction of eigenvalue 1
                for (int i = 0; i < k; i++) {
                    yBar[(r0 + i) * lanes + l] = v[(r0 + i) * lanes + l];
                }
                return;
            }
            if (r <= -t) { // v ∈ −K: ȳ = 0, every direction decoupled
                for (int i = 0; i < k; i++) {
                    exactRho[(r0 + i) * lanes + l] = Double.POSITIVE_INFINITY;
                }
                return;
            }
            rotated[c][l] = true;
            double half = 0.5 * (t + r);
            double a = 0.5 * (1 + t / r);
            yBar[r0 * lanes + l] = half;
            for (int i = 1; i < k; i++) {
                double ui = v[(r0 + i) * lanes + l] / r;
                u[c][(i - 1) * lanes + l] = ui;
                h[c][(i - 1) * lanes + l] = ui;
                yBar[(r0 + i) * lanes + l] = half * ui;
            }
            double u0 = u[c][l];
            double sigma = u0 >= 0 ? -1 : 1;
            h[c][l] = u0 - sigma; // |h₀| = 1 + |u₀|: no cancellation
            hh[c][l] = 2 * (1 + Math.abs(u0));
            // Rows in the rotated basis: (1, u)/√2 (eigenvalue 1), (1, −u)/√2 (0), then the k − 2 tangential.
            exactRho[r0 * lanes + l] = 0;
            exactRho[(r0 + 1) * lanes + l] = Double.POSITIVE_INFINITY;
            for (int i = 2; i < k; i++) {
                exactRho[(r0 + i) * lanes + l] = (1 - a) / a;
                alpha[(r0 + i) * lanes + l] = a;
            }
        }

        /** Ã = QᵀA per lane, on {@link #facePattern}. */
        double[] rotatedA() {
            double[] out = new double[facePattern.nnz() * lanes];
            for (int k = 0; k < plainEntry.length; k++) {
                int f = plainEntry[k];
                if (f < 0) {
                    continue;
                }
                for (int l = 0; l < lanes; l++) {
                    out[f * lanes + l] = data.a(k, l);
                }
            }
            int[] soc = cones.soc();
            double[] col = new double[maxSoc()];
            for (int c = 0; c < soc.length; c++) {
                int k = soc[c];
                int count = coneCols[c].length;
                for (int q = 0; q < count; q++) {
                    for (int l = 0; l < lanes; l++) {
                        for (int r = 0; r < k; r++) {
                            int src = sourceEntry[c][r * count + q];
                            col[r] = src < 0 ? 0 : data.a(src, l);
                        }
                        if (rotated[c][l]) {
                            rotateCone(col, c, k, l);
                        }
                        for (int r = 0; r < k; r++) {
                            out[faceEntry[c][r * count + q] * lanes + l] = col[r];
                        }
                    }
                }
            }
            return out;
        }

        /** p ← Qᵀp in place on every rotated cone (m × lanes). */
        void rotate(double[] p) {
            apply(p, false);
        }

        /** p ← Q·p in place on every rotated cone. */
        void rotateBack(double[] p) {
            apply(p, true);
        }

        private void apply(double[] p, boolean back) {
            int[] soc = cones.soc();
            double[] seg = new double[maxSoc()];
            for (int c = 0, r0 = cones.socStart(); c < soc.length; r0 += soc[c], c++) {
                int k = soc[c];
                for (int l = 0; l < lanes; l++) {
                    if (!rotated[c][l]) {
                        continue;
                    }
                    for (int i = 0; i < k; i++) {
                        seg[i] = p[(r0 + i) * lanes + l];
                    }
                    if (back) {
                        rotateConeBack(seg, c, k, l);
                    } else {
                        rotateCone(seg, c, k, l);
                    }
                    for (int i = 0; i < k; i++) {
                        p[(r0 + i) * lanes + l] = seg[i];
                    }
                }
            }
        }

        /** (p₀, p_w) → ((p₀ + uᵀp_w)/√2, (p₀ − uᵀp_w)/√2, (H·p_w)₁…) for cone c, lane l. */
        private void rotateCone(double[] p, int c, int k, int l) {
            double up = 0;
            double hp = 0;
            for (int i = 1; i < k; i++) {
                up += u[c][(i - 1) * lanes + l] * p[i];
                hp += h[c][(i - 1) * lanes + l] * p[i];
            }
            double f = 2 * hp / hh[c][l];
            double p0 = p[0];
            for (int i = 2; i < k; i++) { // (H·p_w) entries 1 … k − 2 land on rows 2 … k − 1
                p[i] = p[i] - f * h[c][(i - 1) * lanes + l];
            }
            p[0] = (p0 + up) * INV_SQRT2;
            p[1] = (p0 - up) * INV_SQRT2;
        }

        /** The inverse of {@link #rotateCone}: (d_A, d_0, d_t) → ((d_A + d_0)/√2, u·(d_A − d_0)/√2 + H·(0, d_t)). */
        private void rotateConeBack(double[] d, int c, int k, int l) {
            double along = (d[0] - d[1]) * INV_SQRT2;
            double head = (d[0] + d[1]) * INV_SQRT2;
            // H·(0, d_t): with q = (0, d_2 … d_{k−1}), H·q = q − 2h(hᵀq)/‖h‖².
            double hq = 0;
            for (int i = 2; i < k; i++) {
                hq += h[c][(i - 1) * lanes + l] * d[i];
            }
            double f = 2 * hq / hh[c][l];
            d[1] = -f * h[c][l] + along * u[c][l];
            for (int i = 2; i < k; i++) {
                d[i] = d[i] - f * h[c][(i - 1) * lanes + l] + along * u[c][(i - 1) * lanes + l];
            }
            d[0] = head;
        }

        private int maxSoc() {
            int max = 1;
            for (int k : cones.soc()) {
                max = Math.max(max, k);
            }
            return max;
        }
    }
}
