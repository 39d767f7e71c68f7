// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.ConeMembership;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpConeTest extends ConeContractTest {
    private static final double E = Math.E;

    @Override
    protected ConeDims dims() {
        return ConeDims.builder().exp(2).build();
    }

    /** Triples from every region of R³ relative to K_exp. */
    static List<double[]> specialTriples() {
        List<double[]> t = new ArrayList<>();
        // inside and on the boundary
        t.add(new double[] {-1, 1, 2});
        t.add(new double[] {0, 1, 1});
        t.add(new double[] {1, 1, E});
        t.add(new double[] {1, 1, E * (1 + 1e-14)});
        t.add(new double[] {1, 1, E * (1 - 1e-14)});
        t.add(new double[] {-3, 0, 2});
        t.add(new double[] {0, 0, 0});
        // polar cone and its boundary
        t.add(new double[] {1, -1, -1});
        t.add(new double[] {1, 0, -Math.exp(-1)});
        t.add(new double[] {0, -1, -1});
        // x < 0 and y < 0
        t.add(new double[] {-1, -2, 3});
        t.add(new double[] {-1, -2, -3});
        t.add(new double[] {-1, -1e-300, 0});
        t.add(new double[] {0, -1, 2});
        // the generic case
        t.add(new double[] {1, 1, 1});
        t.add(new double[] {1, 1, 0});
        t.add(new double[] {1, 1, -1});
        t.add(new double[] {2, -1, 3});
        t.add(new double[] {-1, 1, -1});
        t.add(new double[] {3, 0.1, 1});
        t.add(new double[] {0.1, 3, 0});
        t.add(new double[] {1, 0, 0});
        t.add(new double[] {0, 1, 0});
        t.add(new double[] {0, 1, -1});
        t.add(new double[] {1, 0, 1});
        // near the face point (0, 0, t)
        t.add(new double[] {1e-10, 1e-10, 1});
        t.add(new double[] {1e-10, -1e-10, 1});
        t.add(new double[] {-1e-10, 1e-10, 1});
        t.add(new double[] {1e-14, 0, 1});
        t.add(new double[] {0, 1e-14, 1});
        t.add(new double[] {1e-8, 1e-12, 1});
        t.add(new double[] {1e-8, 1e-12, -1});
        // extreme ratios and magnitudes
        t.add(new double[] {1e-20, -1, 1});
        t.add(new double[] {1, 1e-20, -1});
        t.add(new double[] {-1, 1e-10, -0.5});
        t.add(new double[] {1e-20, 1, -1e20});
        t.add(new double[] {1e20, 1, 1});
        t.add(new double[] {1, 1e20, -1});
        t.add(new double[] {1e150, 2e150, -3e150});
        t.add(new double[] {1e-150, -1e-150, 1e-150});
        t.add(new double[] {3e-150, 1e-150, 2e-150});
        // coordinates hundreds of orders of magnitude apart
        t.add(new double[] {1, 1e-160, -1e-160});
        t.add(new double[] {1e-160, 1, -1});
        t.add(new double[] {-1, 1e-160, -1e-160});
        t.add(new double[] {1e-160, -1, 1e-160});
        t.add(new double[] {1, 1e-160, 1e-160});
        t.add(new double[] {-1e-160, 1e-160, -1});
        // just outside / inside the curved boundary, at several ρ
        for (double rho : new double[] {-30, -5, -1, 0, 0.5, 3, 10, 30}) {
            double[] n = {1, 1 - rho, -Math.exp(-rho)};
            double nn = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
            for (double eps : new double[] {1e-10, -1e-10}) {
                t.add(new double[] {rho + eps * n[0] / nn, 1 + eps * n[1] / nn, Math.exp(rho) + eps * n[2] / nn});
            }
        }
        return t;
    }

    @Override
    protected List<double[]> specialPoints(Random rng) {
        List<double[]> triples = specialTriples();
        List<double[]> list = new ArrayList<>();
        for (int i = 0; i < triples.size(); i++) {
            double[] a = triples.get(i);
            double[] b = triples.get((i + 7) % triples.size());
            list.add(new double[] {a[0], a[1], a[2], b[0], b[1], b[2]});
        }
        return list;
    }

    /** Every region of R³ with a margin from its boundaries, including near the face (0, 0, t). */
    static List<double[]> smoothTriples(Random rng) {
        List<double[]> t = new ArrayList<>();
        t.add(new double[] {-1, 1, 2});        // inside
        t.add(new double[] {1, -1, -1});       // polar
        t.add(new double[] {-1, -2, 3});       // x < 0, y < 0, z > 0
        t.add(new double[] {-1, -2, -3});      // x < 0, y < 0, z < 0
        t.add(new double[] {1, 1, 1});
        t.add(new double[] {1, 1, 0});
        t.add(new double[] {1, 1, -0.5});
        t.add(new double[] {1, 1, -2});        // polar ((1, 1, −1) is on its boundary)
        t.add(new double[] {2, -1, 3});
        t.add(new double[] {-1, 1, -1});
        t.add(new double[] {3, 0.1, 1});
        t.add(new double[] {0.1, 3, 0});
        t.add(new double[] {1e-2, -1e-2, 1});  // near the face point (0, 0, 1)
        t.add(new double[] {1e-3, -2e-3, 1});
        t.add(new double[] {2e-3, 1e-3, 1e-3});
        for (int i = 0; i < 8; i++) {          // planted: Π = a·(ρ, 1, e^ρ), b > 0
            double rho = 16 * rng.nextDouble() - 8;
            double a = 0.1 + rng.nextDouble();
            double b = 0.1 + rng.nextDouble();
            t.add(new double[] {a * rho + b, a + b * (1 - rho), a * Math.exp(rho) - b * Math.exp(-rho)});
        }
        return t;
    }

    @Override
    protected List<double[]> smoothPoints(Random rng) {
        List<double[]> triples = smoothTriples(rng);
        List<double[]> list = new ArrayList<>();
        for (int i = 0; i < triples.size(); i++) {
            double[] a = triples.get(i);
            double[] b = triples.get((i + 5) % triples.size());
            list.add(new double[] {a[0], a[1], a[2], b[0], b[1], b[2]});
        }
        return list;
    }

    @Test
    void jacobianInTheClosedFormRegions() {
        double[] jac = new double[9];
        double[] work = new double[6];
        ExpCone.jacobian(-1, 1, 2, work, jac, 0, 1);
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, jac, 0.0);
        ExpCone.jacobian(1, -1, -1, work, jac, 0, 1);
        assertArrayEquals(new double[9], jac, 0.0);
        ExpCone.jacobian(-1, -2, 3, work, jac, 0, 1);
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, 0, 0, 0, 1}, jac, 0.0);
        ExpCone.jacobian(-1, -2, -3, work, jac, 0, 1);
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, 0, 0, 0, 0}, jac, 0.0);
        ExpCone.jacobian(-1, -2, 0, work, jac, 0, 1);
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, 0, 0, 0, 0.5}, jac, 0.0);
        // dual: DΠ_{K*}(v) = I − DΠ_K(−v), and −v = (1, −1, −1) is in the polar cone, so I
        ExpCone.jacobianDual(-1, 1, 1, work, jac, 0, 1);
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, jac, 0.0);
    }

    @Test
    void recoversPlantedProjections() {
        // v = a·(ρ, 1, e^ρ) + b·(1, 1 − ρ, −e^{−ρ}) with a, b > 0 has Π(v) = a·(ρ, 1, e^ρ) and
        // Π_{K*}(−v) = Π(v) − v = −b·(1, 1 − ρ, −e^{−ρ}) (Moreau)
        Random rng = new Random(17);
        for (int i = 0; i < 2000; i++) {
            double rho = 40 * rng.nextDouble() - 20;
            double a = Math.pow(10, 8 * rng.nextDouble() - 4);
            double b = Math.pow(10, 8 * rng.nextDouble() - 4);
            double[] p = {a * rho, a, a * Math.exp(rho)};
            double[] v = {p[0] + b, p[1] + b * (1 - rho), p[2] - b * Math.exp(-rho)};
            double[] got = ExpCone.project(v[0], v[1], v[2]);
            double n = norm(v);
            assertArrayEquals(p, got, 1e-12 * n, () -> "rho=" + rho + " a=" + a + " b=" + b);
            double[] dual = ExpCone.projectDual(-v[0], -v[1], -v[2]);
            assertArrayEquals(new double[] {-b, -b * (1 - rho), b * Math.exp(-rho)}, dual, 1e-12 * n);
        }
    }

    @Test
    void closedFormRegions() {
        assertArrayEquals(new double[] {-1, 0, 3}, ExpCone.project(-1, -2, 3), 0.0);
        assertArrayEquals(new double[] {-1, 0, 0}, ExpCone.project(-1, -2, -3), 0.0);
        assertArrayEquals(new double[] {0, 0, 0}, ExpCone.project(1, -1, -1), 0.0);
        assertArrayEquals(new double[] {-1, 1, 2}, ExpCone.project(-1, 1, 2), 0.0);
    }

    /** ‖v − Π(v)‖ by brute force over the boundary rays a·(ρ, 1, e^ρ) and the face y = 0. */
    static double bruteForceDistance(double x, double y, double z) {
        double face = Math.sqrt(sq(Math.max(x, 0)) + y * y + sq(Math.min(z, 0)));
        if (ConeMembership.inExp(x, y, z, 0)) {
            return 0;
        }
        double best = -1;
        double bestRho = 0;
        for (double rho = -40; rho <= 40; rho += 0.01) {
            double c = cosine(x, y, z, rho);
            if (c > best) {
                best = c;
                bestRho = rho;
            }
        }
        double lo = bestRho - 0.01;
        double hi = bestRho + 0.01;
        double g = (Math.sqrt(5) - 1) / 2;
        for (int it = 0; it < 200; it++) {
            double m1 = hi - g * (hi - lo);
            double m2 = lo + g * (hi - lo);
            if (cosine(x, y, z, m1) < cosine(x, y, z, m2)) {
                lo = m1;
            } else {
                hi = m2;
            }
        }
        double c = Math.max(0, cosine(x, y, z, 0.5 * (lo + hi)));
        double curved = Math.sqrt(Math.max(0, x * x + y * y + z * z - c * c));
        return Math.min(face, curved);
    }

    /** ⟨v, p(ρ)⟩/‖p(ρ)‖: the length of v's projection onto the ray of p(ρ) = (ρ, 1, e^ρ). */
    private static double cosine(double x, double y, double z, double rho) {
        double er = Math.exp(rho);
        return (x * rho + y + z * er) / Math.sqrt(rho * rho + 1 + er * er);
    }

    private static double sq(double x) {
        return x * x;
    }

    @Test
    void distanceMatchesBruteForce() {
        Random rng = new Random(23);
        List<double[]> triples = new ArrayList<>(specialTriples());
        for (int i = 0; i < 60; i++) {
            triples.add(new double[] {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()});
        }
        for (double[] v : triples) {
            double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            if (n > 1e10 || n < 1e-10) {
                continue;   // the brute force grid is for moderate scales
            }
            double[] p = ExpCone.project(v[0], v[1], v[2]);
            double dist = Math.sqrt(sq(v[0] - p[0]) + sq(v[1] - p[1]) + sq(v[2] - p[2]));
            assertEquals(bruteForceDistance(v[0], v[1], v[2]), dist, 1e-7 * n,
                    () -> java.util.Arrays.toString(v));
        }
    }

    @Test
    void logarithmicGridSweepIsAccurateAndFinite() {
        // Friberg's test domain, coarsened: 0 and ±e^k for k = −20, −17, …, 19
        List<Double> values = new ArrayList<>();
        values.add(0.0);
        for (int k = -20; k <= 21; k += 3) {
            values.add(Math.exp(k));
            values.add(-Math.exp(k));
        }
        double worstResidual = 0;
        double worstGap = 0;
        for (double x : values) {
            for (double y : values) {
                for (double z : values) {
                    double[] p = ExpCone.project(x, y, z);
                    double[] d = ExpCone.projectDual(-x, -y, -z);
                    double n = Math.sqrt(x * x + y * y + z * z);
                    for (int i = 0; i < 3; i++) {
                        assertTrue(Double.isFinite(p[i]) && Double.isFinite(d[i]), () -> "finite at " + x + "," + y + "," + z);
                    }
                    double tol = 1e-12 * n;
                    assertTrue(ConeMembership.inExp(p[0], p[1], p[2], tol), () -> "in K at " + x + "," + y + "," + z);
                    assertTrue(ConeMembership.inExpDual(d[0], d[1], d[2], tol), () -> "in K* at " + x + "," + y + "," + z);
                    double res = Math.abs(p[0] - d[0] - x) + Math.abs(p[1] - d[1] - y) + Math.abs(p[2] - d[2] - z);
                    double gap = Math.abs(p[0] * d[0] + p[1] * d[1] + p[2] * d[2]);
                    if (n > 0) {
                        worstResidual = Math.max(worstResidual, res / n);
                        worstGap = Math.max(worstGap, gap / (n * n));
                    }
                }
            }
        }
        assertTrue(worstResidual < 1e-12, "relative Moreau residual " + worstResidual);
        assertTrue(worstGap < 1e-12, "relative complementarity " + worstGap);
    }

    @Test
    void batchedStaticFunctionsMatchTheTripleFunction() {
        Random rng = new Random(29);
        int lanes = 5;
        int count = 2;
        double[] tile = new double[3 * count * lanes];
        for (int i = 0; i < tile.length; i++) {
            tile[i] = rng.nextGaussian();
        }
        double[] primal = tile.clone();
        double[] dual = tile.clone();
        ExpCone.projectTriples(primal, 0, count, lanes);
        ExpCone.projectDualTriples(dual, 0, count, lanes);
        for (int c = 0; c < count; c++) {
            for (int l = 0; l < lanes; l++) {
                int ix = 3 * c * lanes + l;
                double[] p = ExpCone.project(tile[ix], tile[ix + lanes], tile[ix + 2 * lanes]);
                double[] d = ExpCone.projectDual(tile[ix], tile[ix + lanes], tile[ix + 2 * lanes]);
                assertArrayEquals(p, new double[] {primal[ix], primal[ix + lanes], primal[ix + 2 * lanes]}, 0.0);
                assertArrayEquals(d, new double[] {dual[ix], dual[ix + lanes], dual[ix + 2 * lanes]}, 0.0);
            }
        }
    }
}
