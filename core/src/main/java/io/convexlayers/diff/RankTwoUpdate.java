// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/**
 * Solves with B' = B + u₁v₁ᵀ + u₂v₂ᵀ = B + U·Vᵀ from solves with B (Sherman–Morrison–Woodbury):
 * with Y = B⁻¹U, Z = B⁻ᵀV and the 2 × 2 capacitance K = I + Vᵀ·Y,
 * B'⁻¹b = B⁻¹b − Y·K⁻¹·Vᵀ·B⁻¹b and B'⁻ᵀb = B⁻ᵀb − Z·K⁻ᵀ·Uᵀ·B⁻ᵀb. Y and Z cost four solves with B,
 * once; every later solve one solve with B and O(size) more. Accuracy is not guaranteed where K is
 * nearly singular: {@link BorderedPseudoInverse} checks every result against its matrix.
 */
final class RankTwoUpdate implements BorderedSolves {
    /** |det K| below this, relative to K's entries, counts as singular. */
    private static final double SINGULAR = 1e-12;
    private final BorderedSolves base;
    private final double[] u1;
    private final double[] u2;
    private final double[] v1;
    private final double[] v2;
    private final double[] y1;
    private final double[] y2;
    private final double[] z1;
    private final double[] z2;
    /** K⁻¹, row-major. */
    private final double k11;
    private final double k12;
    private final double k21;
    private final double k22;

    private RankTwoUpdate(BorderedSolves base, double[] u1, double[] v1, double[] u2, double[] v2, double[] y1,
                          double[] y2, double[] z1, double[] z2, double[] kInverse) {
        this.base = base;
        this.u1 = u1;
        this.v1 = v1;
        this.u2 = u2;
        this.v2 = v2;
        this.y1 = y1;
        this.y2 = y2;
        this.z1 = z1;
        this.z2 = z2;
        this.k11 = kInverse[0];
        this.k12 = kInverse[1];
        this.k21 = kInverse[2];
        this.k22 = kInverse[3];
    }

    /** The solves of B + u₁v₁ᵀ + u₂v₂ᵀ; null where a solve with B fails or K is singular. */
    static RankTwoUpdate of(BorderedSolves base, double[] u1, double[] v1, double[] u2, double[] v2) {
        double[] y1 = base.solve(u1);
        double[] y2 = base.solve(u2);
        double[] z1 = base.solveTranspose(v1);
        double[] z2 = base.solveTranspose(v2);
        if (y1 == null || y2 == null || z1 == null || z2 == null) {
            return null;
        }
        double a = 1 + dot(v1, y1);
        double b = dot(v1, y2);
        double c = dot(v2, y1);
        double d = 1 + dot(v2, y2);
        double det = a * d - b * c;
        double size = Math.max(Math.max(Math.abs(a), Math.abs(b)), Math.max(Math.abs(c), Math.abs(d)));
        if (!(Math.abs(det) > SINGULAR * size * size) || !Double.isFinite(det)) {
            return null;
        }
        double[] kInverse = {d / det, -b / det, -c / det, a / det};
        return new RankTwoUpdate(base, u1, v1, u2, v2, y1, y2, z1, z2, kInverse);
    }

    @Override
    public double[] solve(double[] b) {
        // x − Y·K⁻¹·(Vᵀx)
        return corrected(base.solve(b), v1, v2, y1, y2, false);
    }

    @Override
    public double[] solveTranspose(double[] b) {
        // x − Z·K⁻ᵀ·(Uᵀx)
        return corrected(base.solveTranspose(b), u1, u2, z1, z2, true);
    }

    @Override
    public int depth() {
        return base.depth() + 1;
    }

    /**
     * x − (e f)·C·(pᵀx; qᵀx) in place, C = K⁻¹ or K⁻ᵀ ({@code transposeK}); null when x is null or the
     * result is not finite.
     */
    private double[] corrected(double[] x, double[] p, double[] q, double[] e, double[] f, boolean transposeK) {
        if (x == null) {
            return null;
        }
        double px = dot(p, x);
        double qx = dot(q, x);
        double c1 = k11 * px + (transposeK ? k21 : k12) * qx;
        double c2 = (transposeK ? k12 : k21) * px + k22 * qx;
        for (int i = 0; i < x.length; i++) {
            x[i] -= c1 * e[i] + c2 * f[i];
            if (!Double.isFinite(x[i])) {
                return null;
            }
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        return DenseLu.dot(a, b, 0, a.length);
    }
}
