package io.convexlayers.cone;

import io.convexlayers.testing.ConeMembership;
import io.convexlayers.testing.Tiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks every cone family passes, through {@link ConeProjector}: Π_K(v) ∈ K and
 * Π_{K*}(v) ∈ K* (independent membership tests), idempotence, the Moreau decomposition
 * v = Π_K(v) − Π_{K*}(−v) with ⟨Π_K(v), Π_{K*}(−v)⟩ = 0 (which characterises the projection),
 * no feasible point nearer than Π_K(v), and batched tiles equal to per-lane results bit for bit.
 * A family supplies its {@link ConeDims} and its hard points.
 */
abstract class ConeContractTest {
    static final double REL = 1e-12;

    /** The cone under test. */
    protected abstract ConeDims dims();

    /** Hard points of this family, each of length dims().rows(). */
    protected abstract List<double[]> specialPoints(Random rng);

    protected long seed() {
        return 20240611L;
    }

    protected int randomCount() {
        return 200;
    }

    /** Gaussian entries at a random scale 10^[-3, 3]. */
    protected double[] randomPoint(Random rng) {
        double scale = Math.pow(10, 6 * rng.nextDouble() - 3);
        double[] v = new double[dims().rows()];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * rng.nextGaussian();
        }
        return v;
    }

    final List<double[]> points() {
        Random rng = new Random(seed());
        List<double[]> list = new ArrayList<>(specialPoints(rng));
        for (int i = 0; i < randomCount(); i++) {
            list.add(randomPoint(rng));
        }
        return list;
    }

    final double[] project(double[] v, boolean dual) {
        double[] p = v.clone();
        ConeProjector projector = new ConeProjector(dims(), 1);
        if (dual) {
            projector.projectDual(p, 0);
        } else {
            projector.projectPrimal(p, 0);
        }
        return p;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    @Test
    void projectionsLandInTheirCones() {
        for (double[] v : points()) {
            double[] p = project(v, false);
            double[] d = project(v, true);
            for (double x : p) {
                assertTrue(Double.isFinite(x), () -> "non-finite projection of " + java.util.Arrays.toString(v));
            }
            for (double x : d) {
                assertTrue(Double.isFinite(x), () -> "non-finite dual projection of " + java.util.Arrays.toString(v));
            }
            assertNull(ConeMembership.violation(dims(), p, false, REL, v), () -> "primal, v = " + java.util.Arrays.toString(v));
            assertNull(ConeMembership.violation(dims(), d, true, REL, v), () -> "dual, v = " + java.util.Arrays.toString(v));
        }
    }

    @Test
    void projectionsAreIdempotent() {
        for (double[] v : points()) {
            for (boolean dual : new boolean[] {false, true}) {
                double[] p = project(v, dual);
                double[] pp = project(p, dual);
                assertEquals(0.0, distance(p, pp), REL * norm(v),
                        () -> (dual ? "dual " : "primal ") + java.util.Arrays.toString(v));
            }
        }
    }

    @Test
    void moreauDecompositionIsOrthogonal() {
        for (double[] v : points()) {
            double n = norm(v);
            for (boolean dual : new boolean[] {false, true}) {
                double[] p = project(v, dual);            // onto K (or K*)
                double[] q = project(negate(v), !dual);   // onto K* (or K) at −v
                double[] sum = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    sum[i] = p[i] - q[i];
                }
                assertEquals(0.0, distance(sum, v), REL * n, () -> "v = Π(v) − Π*(−v) for " + java.util.Arrays.toString(v));
                assertEquals(0.0, dot(p, q), REL * n * n, () -> "<Π(v), Π*(−v)> for " + java.util.Arrays.toString(v));
            }
        }
    }

    @Test
    void noFeasiblePointIsNearer() {
        Random rng = new Random(seed() + 1);
        List<double[]> pts = points();
        List<double[]> feasible = new ArrayList<>();
        while (feasible.size() < 40) {
            double[] f = project(randomPoint(rng), false);
            if (norm(f) > 0) {
                feasible.add(f);
            }
        }
        for (double[] v : pts) {
            double[] p = project(v, false);
            double dist = distance(v, p);
            double slack = 1e-13 * norm(v);
            for (double[] f : feasible) {
                assertTrue(dist <= distance(v, f) + slack, () -> "random feasible point nearer to " + java.util.Arrays.toString(v));
                // p + εf is feasible (a cone is convex) and close to p: first-order optimality
                double eps = 1e-3 * norm(v) / norm(f);
                double[] moved = p.clone();
                for (int i = 0; i < moved.length; i++) {
                    moved[i] += eps * f[i];
                }
                assertTrue(dist <= distance(v, moved) + slack, () -> "perturbed projection nearer to " + java.util.Arrays.toString(v));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void batchedTilesEqualPerLaneResults(int lanes) {
        List<double[]> pts = points();
        ConeDims dims = dims();
        int rows = dims.rows();
        Random rng = new Random(seed() + lanes);
        for (int trial = 0; trial < 20; trial++) {
            double[][] perLane = new double[lanes][];
            for (int l = 0; l < lanes; l++) {
                perLane[l] = pts.get(rng.nextInt(pts.size()));
            }
            int offset = 3 + rng.nextInt(5);
            for (boolean dual : new boolean[] {false, true}) {
                double[] tile = Tiles.pack(perLane, offset, 4);
                ConeProjector projector = new ConeProjector(dims, lanes);
                if (dual) {
                    projector.projectDual(tile, offset);
                } else {
                    projector.projectPrimal(tile, offset);
                }
                assertTrue(Tiles.sentinelsIntact(tile, offset, lanes, rows), "wrote outside the tile");
                for (int l = 0; l < lanes; l++) {
                    assertArrayEquals(project(perLane[l], dual), Tiles.lane(tile, offset, lanes, rows, l), 0.0,
                            "lane " + l + (dual ? " dual" : " primal"));
                }
            }
        }
    }
}
