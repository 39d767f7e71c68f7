// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.ConeMembership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Power cones with α near 0, ½, near 1, and dual power cones (negative α). */
class PowerConeTest extends ConeContractTest {
    private static final double[] ALPHAS = {0.01, 0.5, 0.99, -0.3, -0.01, -0.99, 0.7};

    @Override
    protected ConeDims dims() {
        return ConeDims.builder().power(ALPHAS).build();
    }

    static List<double[]> specialTriples() {
        List<double[]> t = new ArrayList<>();
        t.add(new double[] {1, 1, 0.5});
        t.add(new double[] {1, 1, 1});
        t.add(new double[] {1, 1, -1});
        t.add(new double[] {2, 0, 0});
        t.add(new double[] {0, 0, 0});
        t.add(new double[] {-1, -1, 0.1});
        t.add(new double[] {-1, -1, 0});
        t.add(new double[] {1, -1, 0});
        t.add(new double[] {-1, 2, 0});
        t.add(new double[] {-1e-3, -1e-3, 1});
        t.add(new double[] {1, -1, 1});
        t.add(new double[] {-1, 1, -1});
        t.add(new double[] {1, 1, 2});
        t.add(new double[] {0.1, 3, -2});
        t.add(new double[] {3, 0.1, 2});
        t.add(new double[] {0, 0, 1});
        t.add(new double[] {1e-10, 1e-10, 1});
        t.add(new double[] {1e10, 1e-10, 1});
        t.add(new double[] {1e-10, 1e10, -1});
        t.add(new double[] {1, 1, 1e-12});
        t.add(new double[] {1, 1, 1 + 1e-13});
        t.add(new double[] {1e150, -2e150, 3e150});
        t.add(new double[] {1e-150, 2e-150, -3e-150});
        // coordinates hundreds of orders of magnitude apart
        t.add(new double[] {1, 1e-160, -1e-160});
        t.add(new double[] {1e-160, 1, 1e-160});
        t.add(new double[] {-1, 1e-160, 1e-160});
        t.add(new double[] {1e-160, -1e-160, 1});
        t.add(new double[] {1, -1, 1e-160});
        t.add(new double[] {-1e-160, -1, 1});
        return t;
    }

    @Override
    protected List<double[]> specialPoints(Random rng) {
        List<double[]> triples = specialTriples();
        List<double[]> list = new ArrayList<>();
        for (int i = 0; i < triples.size(); i++) {
            double[] v = new double[3 * ALPHAS.length];
            for (int c = 0; c < ALPHAS.length; c++) {
                double[] t = triples.get((i + 3 * c) % triples.size());
                System.arraycopy(t, 0, v, 3 * c, 3);
            }
            list.add(v);
        }
        return list;
    }

    /** Planted boundary projections per cone (including α = 0.01, 0.99), inside and polar points. */
    @Override
    protected List<double[]> smoothPoints(Random rng) {
        List<double[]> list = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            double[] v = new double[3 * ALPHAS.length];
            for (int c = 0; c < ALPHAS.length; c++) {
                double alpha = Math.abs(ALPHAS[c]);
                double x = 0.2 + rng.nextDouble();
                double y = 0.2 + rng.nextDouble();
                double s = rng.nextBoolean() ? 1 : -1;
                double r = Math.pow(x, alpha) * Math.pow(y, 1 - alpha);
                double mu = 0.1 + rng.nextDouble();
                double[] t;
                if (i == 0) {
                    t = new double[] {x, y, 0.5 * s * r};                  // inside K_α
                } else if (i == 1) {
                    t = new double[] {-x, -y, 0.1 * s};                    // polar
                } else {
                    t = new double[] {x - mu * alpha * r / x, y - mu * (1 - alpha) * r / y, s * (r + mu)};
                }
                if (ALPHAS[c] < 0) {                                       // the block is K*: use −v
                    t = new double[] {-t[0], -t[1], -t[2]};
                }
                System.arraycopy(t, 0, v, 3 * c, 3);
            }
            list.add(v);
        }
        return list;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 0.3, 0.5, 0.99})
    void recoversPlantedProjections(double alpha) {
        // p = (x, y, ±x^α y^{1−α}) on the boundary, n = (−αr/x, −(1−α)r/y, sign z) its outward
        // normal: Π(p + μn) = p for μ > 0, and Π_{K*}(−p − μn) = −μn
        Random rng = new Random(31);
        for (int i = 0; i < 500; i++) {
            double x = Math.pow(10, 6 * rng.nextDouble() - 3);
            double y = Math.pow(10, 6 * rng.nextDouble() - 3);
            double s = rng.nextBoolean() ? 1 : -1;
            double r = Math.pow(x, alpha) * Math.pow(y, 1 - alpha);
            double mu = Math.pow(10, 6 * rng.nextDouble() - 3);
            double[] n = {-alpha * r / x, -(1 - alpha) * r / y, s};
            double[] v = {x + mu * n[0], y + mu * n[1], s * r + mu * n[2]};
            double norm = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
            double[] p = PowerCone.project(v[0], v[1], v[2], alpha);
            assertArrayEquals(new double[] {x, y, s * r}, p, 1e-12 * norm, "alpha " + alpha + " #" + i);
            double[] d = PowerCone.projectDual(-v[0], -v[1], -v[2], alpha);
            assertArrayEquals(new double[] {-mu * n[0], -mu * n[1], -mu * n[2]}, d, 1e-12 * norm);
        }
    }

    /** Distance to K_α by brute force over the boundary rays (cos θ, sin θ, ±cos^α θ sin^{1−α} θ). */
    static double bruteForceDistance(double x, double y, double z, double alpha) {
        // the faces θ = 0 and θ = π/2 exactly (cos(π/2) is not 0 in floating point)
        double face = Math.sqrt(Math.pow(Math.min(x, 0), 2) + Math.pow(Math.min(y, 0), 2) + z * z);
        double best = 0;   // the ray through 0 gives ‖v‖
        int steps = 3000;
        double bestTheta = 0;
        for (int i = 0; i <= steps; i++) {
            double theta = 0.5 * Math.PI * i / steps;
            double c = cosine(x, y, z, alpha, theta);
            if (c > best) {
                best = c;
                bestTheta = theta;
            }
        }
        double h = 0.5 * Math.PI / steps;
        double lo = Math.max(0, bestTheta - h);
        double hi = Math.min(0.5 * Math.PI, bestTheta + h);
        double g = (Math.sqrt(5) - 1) / 2;
        for (int it = 0; it < 200; it++) {
            double m1 = hi - g * (hi - lo);
            double m2 = lo + g * (hi - lo);
            if (cosine(x, y, z, alpha, m1) < cosine(x, y, z, alpha, m2)) {
                lo = m1;
            } else {
                hi = m2;
            }
        }
        best = Math.max(best, cosine(x, y, z, alpha, 0.5 * (lo + hi)));
        return Math.min(face, Math.sqrt(Math.max(0, x * x + y * y + z * z - best * best)));
    }

    private static double cosine(double x, double y, double z, double alpha, double theta) {
        double c = Math.cos(theta);
        double s = Math.sin(theta);
        double w = Math.copySign(Math.pow(c, alpha) * Math.pow(s, 1 - alpha), z);
        return (x * c + y * s + z * w) / Math.sqrt(1 + w * w);
    }

    @Test
    void distanceMatchesBruteForce() {
        Random rng = new Random(37);
        for (double alpha : new double[] {0.01, 0.5, 0.99, 0.3}) {
            List<double[]> triples = new ArrayList<>(specialTriples());
            for (int i = 0; i < 30; i++) {
                triples.add(new double[] {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()});
            }
            for (double[] v : triples) {
                double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
                if (n > 1e6 || n < 1e-6) {
                    continue;
                }
                boolean inside = v[0] >= 0 && v[1] >= 0
                        && Math.pow(v[0], alpha) * Math.pow(v[1], 1 - alpha) >= Math.abs(v[2]);
                double[] p = PowerCone.project(v[0], v[1], v[2], alpha);
                double dist = Math.sqrt(Math.pow(v[0] - p[0], 2) + Math.pow(v[1] - p[1], 2) + Math.pow(v[2] - p[2], 2));
                double expected = inside ? 0 : bruteForceDistance(v[0], v[1], v[2], alpha);
                // for α near 0 or 1 the nearest boundary point can sit at cos θ ~ 1e-90, out of
                // the grid's reach: there the brute force is only an upper bound
                boolean gridResolves = alpha > 0.1 && alpha < 0.9;
                if (gridResolves) {
                    assertEquals(expected, dist, 1e-7 * n, () -> "alpha " + alpha + " at " + java.util.Arrays.toString(v));
                } else {
                    assertTrue(dist <= expected + 1e-7 * n, () -> "alpha " + alpha + " at " + java.util.Arrays.toString(v));
                }
            }
        }
    }

    @Test
    void closedFormRegions() {
        assertArrayEquals(new double[] {1, 0, 0}, PowerCone.project(1, -1, 0, 0.4), 0.0);
        assertArrayEquals(new double[] {0, 0, 0}, PowerCone.project(-1, -1, 0.1, 0.4), 0.0);
        assertArrayEquals(new double[] {1, 1, 0.5}, PowerCone.project(1, 1, 0.5, 0.4), 0.0);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.01, 0.5, 0.99})
    void logarithmicGridSweepIsAccurateAndFinite(double alpha) {
        List<Double> values = new ArrayList<>();
        values.add(0.0);
        for (int k = -20; k <= 21; k += 3) {
            values.add(Math.exp(k));
            values.add(-Math.exp(k));
        }
        double worstGap = 0;
        for (double x : values) {
            for (double y : values) {
                for (double z : values) {
                    double[] p = PowerCone.project(x, y, z, alpha);
                    double[] d = PowerCone.projectDual(-x, -y, -z, alpha);
                    double n = Math.sqrt(x * x + y * y + z * z);
                    for (int i = 0; i < 3; i++) {
                        assertTrue(Double.isFinite(p[i]) && Double.isFinite(d[i]), () -> "finite at " + x + "," + y + "," + z);
                    }
                    double tol = 1e-12 * n;
                    assertTrue(ConeMembership.inPower(p[0], p[1], p[2], alpha, tol), () -> "in K at " + x + "," + y + "," + z);
                    assertTrue(ConeMembership.inPowerDual(d[0], d[1], d[2], alpha, tol), () -> "in K* at " + x + "," + y + "," + z);
                    assertEquals(0.0, Math.abs(p[0] - d[0] - x) + Math.abs(p[1] - d[1] - y) + Math.abs(p[2] - d[2] - z), tol);
                    if (n > 0) {
                        worstGap = Math.max(worstGap, Math.abs(p[0] * d[0] + p[1] * d[1] + p[2] * d[2]) / (n * n));
                    }
                }
            }
        }
        assertTrue(worstGap < 1e-12, "relative complementarity " + worstGap);
    }
}
