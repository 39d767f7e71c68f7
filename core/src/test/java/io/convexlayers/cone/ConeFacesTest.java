// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConeFaces} on pairs whose faces are known: the interior, the boundary and the apex of the
 * second-order cone, PSD matrices of every rank of order 2 and 3 (also off the coordinate axes, where the
 * svec's √2 scaling of off-diagonal entries matters), and strided lanes.
 */
class ConeFacesTest {
    private static final double TOL = 1e-9;
    private static final double R2 = Math.sqrt(2);

    @Test
    void secondOrderConeFaces() {
        assertEquals(0, ConeFaces.socCodimension(new double[] {2, 1, 0}, 0, 1, 3, TOL));
        assertEquals(1, ConeFaces.socCodimension(new double[] {5, 3, 4}, 0, 1, 3, TOL));
        assertEquals(3, ConeFaces.socCodimension(new double[] {0, 0, 0}, 0, 1, 3, TOL));
        // Lane 1 of two, batch-minor: lane 0 holds the apex, lane 1 a boundary point.
        double[] lanes = {0, 5, 0, 3, 0, 4};
        assertEquals(3, ConeFaces.socCodimension(lanes, 0, 2, 3, TOL));
        assertEquals(1, ConeFaces.socCodimension(lanes, 1, 2, 3, TOL));
    }

    @Test
    void secondOrderStrictComplementarity() {
        // s on the boundary, y its reflection: s + y = (2, 0, 0), inside.
        assertTrue(ConeFaces.socStrictlyComplementary(new double[] {1, 1, 0}, new double[] {1, -1, 0}, 0, 1, 3,
                TOL));
        // s on the boundary, y = 0: s + y on the boundary.
        assertFalse(ConeFaces.socStrictlyComplementary(new double[] {1, 1, 0}, new double[] {0, 0, 0}, 0, 1, 3,
                TOL));
        // s = 0 with y inside, and with y on the boundary.
        assertTrue(ConeFaces.socStrictlyComplementary(new double[3], new double[] {1, 0.5, 0}, 0, 1, 3, TOL));
        assertFalse(ConeFaces.socStrictlyComplementary(new double[3], new double[] {1, 0.6, 0.8}, 0, 1, 3, TOL));
        // Both zero.
        assertFalse(ConeFaces.socStrictlyComplementary(new double[3], new double[3], 0, 1, 3, TOL));
    }

    private static ConeFaces.PsdFace psd(double[] s, double[] y, int k) {
        return ConeFaces.psdFace(s, y, 0, 1, k, TOL);
    }

    @Test
    void psdFacesByRank() {
        // Order 2, svec (s11, √2·s21, s22). S inside with Y = 0: strictly complementary, no condition.
        assertEquals(new ConeFaces.PsdFace(0, true), psd(new double[] {2, 0, 1}, new double[3], 2));
        // S = diag(1, 0) with Y = diag(0, 2): one condition, strictly complementary; with Y = 0, not.
        assertEquals(new ConeFaces.PsdFace(1, true), psd(new double[] {1, 0, 0}, new double[] {0, 0, 2}, 2));
        assertEquals(new ConeFaces.PsdFace(1, false), psd(new double[] {1, 0, 0}, new double[3], 2));
        // Both zero: S at the apex, three conditions.
        assertEquals(new ConeFaces.PsdFace(3, false), psd(new double[3], new double[3], 2));
        // S = vvᵀ, Y = uuᵀ with v = (1, 1) ⊥ u = (1, −1): svec (1, √2, 1) and (1, −√2, 1), off the axes.
        assertEquals(new ConeFaces.PsdFace(1, true), psd(new double[] {1, R2, 1}, new double[] {1, -R2, 1}, 2));
        // Without the √2 the same numbers are [[1, 1/√2], [1/√2, 1]], of full rank: no condition.
        assertEquals(new ConeFaces.PsdFace(0, true), psd(new double[] {1, 1, 1}, new double[3], 2));
        // Order 3, svec (s11, √2 s21, √2 s31, s22, √2 s32, s33): diag(1, 0, 0) has nullity 2.
        assertEquals(new ConeFaces.PsdFace(3, false), psd(new double[] {1, 0, 0, 0, 0, 0}, new double[6], 3));
        assertEquals(new ConeFaces.PsdFace(3, true), psd(new double[] {1, 0, 0, 0, 0, 0},
                new double[] {0, 0, 0, 1, 0, 1}, 3));
        assertEquals(new ConeFaces.PsdFace(1, false), psd(new double[] {1, 0, 0, 1, 0, 0}, new double[6], 3));
        assertEquals(new ConeFaces.PsdFace(6, false), psd(new double[6], new double[6], 3));
        // Strided: lane 1 of two holds S = diag(1, 0) and Y = diag(0, 3).
        double[] s = {9, 1, 9, 0, 9, 0};
        double[] y = {9, 0, 9, 0, 9, 3};
        assertEquals(new ConeFaces.PsdFace(1, true), ConeFaces.psdFace(s, y, 1, 2, 2, TOL));
    }

    @Test
    void exponentialAndPowerConeFaces() {
        ConeFaces.Nonsymmetric exp = ConeFaces.Nonsymmetric.EXP;
        assertEquals(0, ConeFaces.codimension(exp, 0, new double[] {0, 1, 2}, 0, 1, TOL)); // 1·e⁰ < 2
        assertEquals(1, ConeFaces.codimension(exp, 0, new double[] {0, 1, 1}, 0, 1, TOL)); // on the curve
        assertEquals(1, ConeFaces.codimension(exp, 0, new double[] {-1, 0, 1}, 0, 1, TOL)); // the flat face
        assertEquals(3, ConeFaces.codimension(exp, 0, new double[3], 0, 1, TOL));
        ConeFaces.Nonsymmetric dualExp = ConeFaces.Nonsymmetric.DUAL_EXP;
        assertEquals(0, ConeFaces.codimension(dualExp, 0, new double[] {-1, 0, 1}, 0, 1, TOL)); // 1 < e
        assertEquals(1, ConeFaces.codimension(dualExp, 0, new double[] {-1, 0, 1 / Math.E}, 0, 1, TOL));
        ConeFaces.Nonsymmetric pow = ConeFaces.Nonsymmetric.POWER;
        assertEquals(0, ConeFaces.codimension(pow, 0.3, new double[] {1, 1, 0.5}, 0, 1, TOL));
        assertEquals(1, ConeFaces.codimension(pow, 0.3, new double[] {1, 1, -1}, 0, 1, TOL));
        assertEquals(1, ConeFaces.codimension(pow, 0.3, new double[] {0, 1, 0}, 0, 1, TOL)); // x = 0
        // (u/α)^α (v/(1−α))^(1−α) at u = α, v = 1 − α is 1.
        ConeFaces.Nonsymmetric dualPow = ConeFaces.Nonsymmetric.DUAL_POWER;
        assertEquals(0, ConeFaces.codimension(dualPow, 0.3, new double[] {0.3, 0.7, 0.9}, 0, 1, TOL));
        assertEquals(1, ConeFaces.codimension(dualPow, 0.3, new double[] {0.3, 0.7, 1}, 0, 1, TOL));
    }

    /**
     * The flat face's verdicts against the projection itself: at v = p − q the one-sided difference
     * quotients of Π_{K_exp} agree in every direction exactly where the pair is called strictly
     * complementary.
     */
    @Test
    void flatFaceVerdictsMatchTheProjectionsOneSidedDerivatives() {
        double[][][] pairs = {
            {{-0.5, 0, 1}, {0, 1, 0}}, {{-0.5, 0, 0}, {0, 1, 1}}, {{0, 0, 1}, {0, 1, 0}}, {{-0.5, 0, 0}, {0, 1, 0}},
            {{0, 1, 1}, {-1, -1, 1}}};
        for (double[][] pair : pairs) {
            double[] p = pair[0];
            double[] q = pair[1];
            double[] v = {p[0] - q[0], p[1] - q[1], p[2] - q[2]};
            assertArrayEquals(p, ExpCone.project(v[0], v[1], v[2]), 1e-9, "p is the projection of p − q");
            double h = 1e-7;
            double jump = 0;
            for (int k = 0; k < 3; k++) {
                double[] up = v.clone();
                double[] down = v.clone();
                up[k] += h;
                down[k] -= h;
                double[] right = ExpCone.project(up[0], up[1], up[2]);
                double[] left = ExpCone.project(down[0], down[1], down[2]);
                for (int i = 0; i < 3; i++) {
                    jump = Math.max(jump, Math.abs((right[i] - p[i]) / h - (p[i] - left[i]) / h));
                }
            }
            boolean strict = ConeFaces.strictlyComplementary(ConeFaces.Nonsymmetric.EXP, 0, p, q, 0, 1, TOL);
            assertEquals(jump < 1e-3, strict, java.util.Arrays.toString(p) + " / " + java.util.Arrays.toString(q)
                    + ": one-sided derivatives differ by " + jump);
        }
    }

    @Test
    void exponentialConeStrictComplementarity() {
        ConeFaces.Nonsymmetric exp = ConeFaces.Nonsymmetric.EXP;
        double[] zero = new double[3];
        // s on the curve with y = 0: a tight constraint whose multiplier vanishes.
        assertFalse(ConeFaces.strictlyComplementary(exp, 0, new double[] {0, 1, 1}, zero, 0, 1, TOL));
        // s inside with y = 0, and s = 0 with y inside K_exp*: strictly complementary.
        assertTrue(ConeFaces.strictlyComplementary(exp, 0, new double[] {0, 1, 2}, zero, 0, 1, TOL));
        assertTrue(ConeFaces.strictlyComplementary(exp, 0, zero, new double[] {-1, 0, 1}, 0, 1, TOL));
        // s = 0 with y on K_exp*'s boundary.
        assertFalse(ConeFaces.strictlyComplementary(exp, 0, zero, new double[] {-1, 0, 1 / Math.E}, 0, 1, TOL));
        // Both on their boundaries and orthogonal: s = (ρ, 1, e^ρ) and y = (−1, ρ − 1, e^−ρ) at ρ = 0.
        assertEquals(1, ConeFaces.codimension(ConeFaces.Nonsymmetric.DUAL_EXP, 0, new double[] {-1, -1, 1}, 0, 1,
                TOL));
        assertTrue(ConeFaces.strictlyComplementary(exp, 0, new double[] {0, 1, 1}, new double[] {-1, -1, 1}, 0, 1,
                TOL));
        assertFalse(ConeFaces.strictlyComplementary(exp, 0, zero, zero, 0, 1, TOL));
        // The dual exponential cone as the primal one: the roles swap.
        assertFalse(ConeFaces.strictlyComplementary(ConeFaces.Nonsymmetric.DUAL_EXP, 0, zero,
                new double[] {0, 1, 1}, 0, 1, TOL));
        // The flat face {x ≤ 0, y = 0, z ≥ 0} against y = (0, σ, w): smooth inside the face's region, a kink
        // at its edge x = 0 and where z and w both vanish — both sides nonzero there.
        assertTrue(ConeFaces.strictlyComplementary(exp, 0, new double[] {-0.5, 0, 1}, new double[] {0, 1, 0}, 0, 1,
                TOL));
        assertTrue(ConeFaces.strictlyComplementary(exp, 0, new double[] {-0.5, 0, 0}, new double[] {0, 1, 1}, 0, 1,
                TOL));
        assertFalse(ConeFaces.strictlyComplementary(exp, 0, new double[] {0, 0, 1}, new double[] {0, 1, 0}, 0, 1,
                TOL));
        assertFalse(ConeFaces.strictlyComplementary(exp, 0, new double[] {-0.5, 0, 0}, new double[] {0, 1, 0}, 0, 1,
                TOL));
        assertFalse(ConeFaces.strictlyComplementary(ConeFaces.Nonsymmetric.DUAL_EXP, 0, new double[] {0, 1, 0},
                new double[] {0, 0, 1}, 0, 1, TOL));
        // Power cone, strided lane 1 of two: s on the boundary |z| = x^α y^(1−α), y = 0.
        double[] s = {9, 1, 9, 1, 9, 1};
        double[] y = {9, 0, 9, 0, 9, 0};
        assertFalse(ConeFaces.strictlyComplementary(ConeFaces.Nonsymmetric.POWER, 0.4, s, y, 1, 2, TOL));
        s[5] = 0.5;
        assertTrue(ConeFaces.strictlyComplementary(ConeFaces.Nonsymmetric.POWER, 0.4, s, y, 1, 2, TOL));
    }
}
