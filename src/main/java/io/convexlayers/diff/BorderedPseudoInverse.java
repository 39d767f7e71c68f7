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
 * result is checked against A; when the null space is not one-dimensional (a non-differentiable
 * point) the check fails and the caller falls back to an SVD.
 */
final class BorderedPseudoInverse {
    private final double[][] a;
    private final double frobenius;
    private final DenseLu lu;
    private final double[] rightNull;
    private final double[] leftNull;

    private BorderedPseudoInverse(double[][] a, double frobenius, DenseLu lu, double[] rightNull, double[] leftNull) {
        this.a = a;
        this.frobenius = frobenius;
        this.lu = lu;
        this.rightNull = rightNull;
        this.leftNull = leftNull;
    }

    /**
     * Factors the bordered matrix; null when it is singular too (A has a larger null space).
     *
     * @param a    the matrix (kept, not modified)
     * @param near an approximate right null vector (nonzero)
     */
    static BorderedPseudoInverse factor(double[][] a, double[] near) {
        int size = a.length;
        double fro = 0;
        for (double[] row : a) {
            for (double v : row) {
                fro += v * v;
            }
        }
        double zz = dot(near, near);
        if (!(zz > 0) || !(fro > 0) || !Double.isFinite(fro) || !Double.isFinite(zz)) {
            return null;
        }
        double sigma = Math.sqrt(fro / size / zz); // the rank-one term at the size of A's entries
        double[] w = genericDirection(size);
        double[][] bordered = new double[size][];
        for (int i = 0; i < size; i++) {
            double[] row = a[i].clone();
            double wi = sigma * w[i];
            for (int j = 0; j < size; j++) {
                row[j] += wi * near[j];
            }
            bordered[i] = row;
        }
        DenseLu lu = DenseLu.factor(bordered);
        if (lu == null) {
            return null;
        }
        double[] right = lu.solve(w);
        double[] left = lu.solveTranspose(near);
        if (right == null || left == null || !normalize(right) || !normalize(left)) {
            return null;
        }
        return new BorderedPseudoInverse(a, Math.sqrt(fro), lu, right, left);
    }

    /** ζ with Aζ = 0, unit length. */
    double[] rightNull() {
        return rightNull;
    }

    /** pinv(A)·b, or pinv(Aᵀ)·b when {@code transposed}; null when the result fails its check. */
    double[] apply(double[] b, boolean transposed) {
        double[] proj = b.clone();
        removeComponent(proj, transposed ? rightNull : leftNull);
        double[] sol = transposed ? lu.solveTranspose(proj) : lu.solve(proj);
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
        double res = 0;
        for (int i = 0; i < size; i++) {
            double r = ks[i] - proj[i];
            res += r * r;
        }
        boolean ok = Math.sqrt(res) <= 1e-9 * (frobenius * Math.sqrt(dot(sol, sol)) + Math.sqrt(dot(proj, proj)));
        return ok ? sol : null;
    }

    /** A fixed generic unit direction (the same for every call, so results are reproducible). */
    private static double[] genericDirection(int size) {
        Random rnd = new Random(0x5eed);
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
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
