// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import java.util.Random;

/**
 * The pseudo-inverse of a square matrix A with a one-dimensional null space, applied exactly through
 * one LU factorization (≈ ⅔·s³ flops, against ≈ 20·s³ for an SVD) of the bordered matrix
 * B = A + σ·w·zᵀ, where z approximates the null vector and w is a fixed generic direction.
 *
 * <p>If Aζ = 0 and ℓᵀA = 0 then Bζ = σ·w·(zᵀζ) and Bᵀℓ = σ·z·(wᵀℓ), so ζ ∝ B⁻¹w and ℓ ∝ B⁻ᵀz:
 * both null vectors come from the same factors, z need not be exact. For A·u = b the right-hand side
 * is projected off ℓ (the least-squares part), B·u = b gives A·u = b with zᵀu = 0, and u is
 * projected off ζ (the minimum-norm part); Aᵀ likewise with the roles of ζ and ℓ exchanged. Each
 * result is checked against A. When the null space is not one-dimensional (a non-differentiable
 * point) B is singular up to rounding: a condition estimate from the two null-vector solves rejects
 * it, and the caller falls back to an SVD.
 */
final class BorderedPseudoInverse {
    /**
     * Largest accepted estimate of κ(B). M's blocks beyond their null space reach κ ≈ 1e6 on
     * random QPs with many active constraints; a second null direction shows as κ ≈ 1e16.
     */
    static final double MAX_CONDITION = 1e11;
    /**
     * Largest accepted residual along the border direction, relative to ‖A‖·‖x‖: how far from
     * singular A may be along its null direction (M·z is the forward solution's residual).
     */
    static final double NEAR_SINGULAR = 1e-2;
    private static final long GENERIC_SEED = 0x5eed;
    private static final long PROBE_SEED = 0x9e3779b9L;
    /** Directions by (seed, size), drawn once per JVM (orders are at most {@link DenseSolve#MAX_ORDER}). */
    private static final java.util.concurrent.ConcurrentHashMap<Long, double[]> DIRECTIONS =
            new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Updates of updates are allowed this deep: each adds two solves with the factors below it to
     * every solve (the refinement moves a point at most {@link SolutionRefinement#MAX_STEPS} times).
     */
    static final int MAX_UPDATES = SolutionRefinement.MAX_STEPS;
    private final double[][] a;
    private final double frobenius;
    /** B⁻¹ (and B⁻ᵀ) of the bordered matrix, by LU or by a low-rank update of another one's. */
    private final BorderedSolves solves;
    private final double[] rightNull;
    private final double[] leftNull;
    /** The unit w and ẑ of B = A + s·w·ẑᵀ (the directions a near-singular A's residual takes). */
    private final double[] border;
    private final double[] borderTransposed;
    /** s = √(‖A‖²_F / size): the border term's scale, the size of A's entries. */
    private final double borderScale;

    private BorderedPseudoInverse(double[][] a, double frobenius, BorderedSolves solves, double[] rightNull,
                                  double[] leftNull, double[] border, double[] borderTransposed, double borderScale) {
        this.border = border;
        this.borderTransposed = borderTransposed;
        this.a = a;
        this.frobenius = frobenius;
        this.solves = solves;
        this.rightNull = rightNull;
        this.leftNull = leftNull;
        this.borderScale = borderScale;
    }

    /**
     * Factors the bordered matrix; null when it is singular too (A has a larger null space).
     *
     * @param a    the matrix (kept, not modified)
     * @param near an approximate right null vector (nonzero)
     */
    static BorderedPseudoInverse factor(double[][] a, double[] near) {
        int size = a.length;
        double fro = frobeniusSquared(a);
        double zz = dot(near, near);
        if (!(zz > 0) || !(fro > 0) || !Double.isFinite(fro) || !Double.isFinite(zz)) {
            return null;
        }
        double sigma = Math.sqrt(fro / size / zz); // the rank-one term at the size of A's entries
        double scale = Math.sqrt(fro / size);
        double[] w = genericDirection(size);
        double[][] bordered = new double[size][];
        double borderedFro = 0;
        for (int i = 0; i < size; i++) {
            double[] row = a[i].clone();
            double wi = sigma * w[i];
            for (int j = 0; j < size; j++) {
                row[j] += wi * near[j];
                borderedFro += row[j] * row[j];
            }
            bordered[i] = row;
        }
        DenseLu lu = DenseLu.factor(bordered);
        if (lu == null) {
            return null;
        }
        double[] unitNear = near.clone();
        normalize(unitNear);
        return finish(a, fro, new LuSolves(lu), w, unitNear, scale, Math.sqrt(borderedFro));
    }

    /**
     * The pseudo-inverse of {@code a}, a matrix that differs from this one's A in one row only, with
     * {@code near} its approximate null vector, from this one's factors: B' = A' + s·w·ẑ'ᵀ is B plus
     * the rank-two term e_r·(A' − A)_rᵀ + s·w·(ẑ' − ẑ)ᵀ, solved by the Sherman–Morrison–Woodbury
     * formula (two solves with B per direction, once). The refinement moves a point this way: on an
     * unchanged active set only the τ row of M_SS (c + 2Px, xᵀPx) and the null vector change. Null
     * where A' differs in more than one row or the result fails {@link #factor}'s checks (the caller
     * factors A' afresh).
     */
    BorderedPseudoInverse updated(double[][] next, double[] near) {
        int size = a.length;
        if (next.length != size || !(solves.depth() < MAX_UPDATES)) {
            return null;
        }
        int row = -1;
        for (int i = 0; i < size; i++) {
            if (!java.util.Arrays.equals(a[i], next[i])) {
                if (row >= 0) {
                    return null; // two rows changed: not this update's case
                }
                row = i;
            }
        }
        double fro = frobeniusSquared(next);
        double[] unitNear = near.clone();
        if (!(fro > 0) || !Double.isFinite(fro) || !normalize(unitNear)) {
            return null;
        }
        double[] delta = new double[size]; // (A' − A)_r
        if (row >= 0) {
            for (int j = 0; j < size; j++) {
                delta[j] = next[row][j] - a[row][j];
            }
        }
        double[] nearStep = new double[size]; // ẑ' − ẑ
        for (int j = 0; j < size; j++) {
            nearStep[j] = unitNear[j] - borderTransposed[j];
        }
        double[] unitRow = new double[size];
        if (row >= 0) {
            unitRow[row] = 1;
        }
        double[] scaledBorder = border.clone();
        for (int i = 0; i < size; i++) {
            scaledBorder[i] *= borderScale;
        }
        RankTwoUpdate update = RankTwoUpdate.of(solves, unitRow, delta, scaledBorder, nearStep);
        if (update == null) {
            return null;
        }
        // ‖B'‖_F for the condition estimate, formed from its rows as factor forms it.
        double borderedFro = 0;
        for (int i = 0; i < size; i++) {
            double wi = borderScale * border[i];
            for (int j = 0; j < size; j++) {
                double v = next[i][j] + wi * unitNear[j];
                borderedFro += v * v;
            }
        }
        return finish(next, fro, update, border, unitNear, borderScale, Math.sqrt(borderedFro));
    }

    /**
     * The null vectors, the condition estimate and the probe checks of a factored B = A + s·w·ẑᵀ; null
     * when B is singular to working precision or the probes fail.
     */
    private static BorderedPseudoInverse finish(double[][] a, double fro, BorderedSolves solves, double[] w,
                                                double[] unitNear, double scale, double borderedFrobenius) {
        int size = a.length;
        double[] probe = randomDirection(size, PROBE_SEED);
        double[] right = solves.solve(w);
        double[] left = solves.solveTranspose(unitNear);
        double[] probeSolution = solves.solve(probe);
        if (right == null || left == null || probeSolution == null) {
            return null;
        }
        // ‖B⁻¹u‖ for unit u bounds ‖B⁻¹‖ from below. With a larger null space B is singular up to
        // rounding and the LU still "succeeds": w and ẑ are then still consistent right-hand sides,
        // but a random one is not, and its solution is huge.
        double inverseNorm = Math.sqrt(Math.max(dot(probeSolution, probeSolution), Math.max(dot(right, right),
                dot(left, left))));
        if (!(borderedFrobenius * inverseNorm <= MAX_CONDITION) || !normalize(right) || !normalize(left)) {
            return null;
        }
        BorderedPseudoInverse pinv = new BorderedPseudoInverse(a, Math.sqrt(fro), solves, right, left, w, unitNear,
                scale);
        // Decide once for both directions, so a JVP and a VJP of one lane use the same operator.
        return pinv.apply(probe, false) != null && pinv.apply(probe, true) != null ? pinv : null;
    }

    private static double frobeniusSquared(double[][] a) {
        double fro = 0;
        for (double[] row : a) {
            for (double v : row) {
                fro += v * v;
            }
        }
        return fro;
    }

    /** ζ with Aζ = 0, unit length. */
    double[] rightNull() {
        return rightNull;
    }

    /** pinv(A)·b, or pinv(Aᵀ)·b when {@code transposed}; null when the result fails its check. */
    double[] apply(double[] b, boolean transposed) {
        double[] proj = b.clone();
        removeComponent(proj, transposed ? rightNull : leftNull);
        double[] sol = transposed ? solves.solveTranspose(proj) : solves.solve(proj);
        if (sol == null) {
            return null;
        }
        removeComponent(sol, transposed ? leftNull : rightNull);
        int size = a.length;
        double[] ks = new double[size];
        for (int i = 0; i < size; i++) {
            double[] row = a[i];
            if (transposed) {
                double si = sol[i];
                for (int j = 0; j < size; j++) {
                    ks[j] += row[j] * si;
                }
            } else {
                ks[i] = dot(row, sol);
            }
        }
        // Where A is only nearly singular (a finite-accuracy solution), B·x = b leaves A·x − b along
        // the border vector, of the size of A's distance from singularity: that part is the
        // treated-as-zero direction. Everything else must be met to rounding.
        double[] dir = transposed ? borderTransposed : border;
        for (int i = 0; i < size; i++) {
            ks[i] -= proj[i];
        }
        double along = dot(dir, ks);
        removeComponent(ks, dir);
        double scale = frobenius * Math.sqrt(dot(sol, sol)) + Math.sqrt(dot(proj, proj));
        boolean ok = Math.sqrt(dot(ks, ks)) <= 1e-9 * scale && Math.abs(along) <= NEAR_SINGULAR * scale;
        return ok ? sol : null;
    }

    /** A fixed generic unit direction (the same for every call, so results are reproducible). */
    private static double[] genericDirection(int size) {
        return randomDirection(size, GENERIC_SEED);
    }

    /**
     * The unit direction the seed's Gaussian stream gives, shared and never written: drawing it anew for
     * every lane was a tenth of a small program's backward pass (n = 10, 128 instances).
     */
    private static double[] randomDirection(int size, long seed) {
        return DIRECTIONS.computeIfAbsent(seed * 4099 + size, key -> drawDirection(size, seed));
    }

    private static double[] drawDirection(int size, long seed) {
        Random rnd = new Random(seed);
        double[] w = new double[size];
        for (int i = 0; i < size; i++) {
            w[i] = rnd.nextGaussian();
        }
        normalize(w);
        return w;
    }

    private static boolean normalize(double[] v) {
        double norm = Math.sqrt(dot(v, v));
        if (!(norm > 0) || !Double.isFinite(norm)) {
            return false;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
        return true;
    }

    /** v ← v − (dirᵀv)·dir for a unit dir. */
    private static void removeComponent(double[] v, double[] dir) {
        double c = dot(dir, v);
        for (int i = 0; i < v.length; i++) {
            v[i] -= c * dir[i];
        }
    }

    static double dot(double[] a, double[] b) {
        return DenseLu.dot(a, b, 0, a.length);
    }
}
