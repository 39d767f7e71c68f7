package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
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
 * <p>
 * And through {@link ConeDerivative}: DΠ·d against central finite differences (Richardson
 * extrapolated) at random points and the family's smooth hard points, ⟨J v, w⟩ = ⟨v, Jᵀ w⟩,
 * J = Jᵀ, eigenvalues of J in [0, 1] (J is the derivative of a projection onto a convex set),
 * the dense Jacobian against {@code apply}, and batched tiles equal to per-lane results.
 * A family supplies its {@link ConeDims}, its hard points and its smooth hard points.
 */
abstract class ConeContractTest {
    static final double REL = 1e-12;

    /** The cone under test. */
    protected abstract ConeDims dims();

    /** Hard points of this family, each of length dims().rows(). */
    protected abstract List<double[]> specialPoints(Random rng);

    /**
     * Hard points where Π is nevertheless differentiable with some margin (near, not on, region
     * boundaries): used for the finite-difference check, besides the random points.
     */
    protected List<double[]> smoothPoints(Random rng) {
        return List.of();
    }

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

    // ---------------------------------------------------------------- derivatives

    final double[] applyJ(double[] v, boolean dual, double[] d, boolean transpose) {
        ConeDerivative der = new ConeDerivative(dims(), 1);
        der.linearizeAt(v, 0, dual);
        double[] out = new double[d.length];
        if (transpose) {
            der.applyTranspose(d, 0, out, 0);
        } else {
            der.apply(d, 0, out, 0);
        }
        return out;
    }

    final double[] unitDirection(Random rng) {
        double[] d = new double[dims().rows()];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian();
        }
        double n = norm(d);
        for (int i = 0; i < d.length; i++) {
            d[i] /= n;
        }
        return d;
    }

    /** Central difference of Π along d with step h, Richardson extrapolated from h and h/2. */
    final double[] finiteDifference(double[] v, boolean dual, double[] d, double h) {
        double[] coarse = centralDifference(v, dual, d, h);
        double[] fine = centralDifference(v, dual, d, 0.5 * h);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (4 * fine[i] - coarse[i]) / 3;
        }
        return out;
    }

    private double[] centralDifference(double[] v, boolean dual, double[] d, double h) {
        double[] plus = v.clone();
        double[] minus = v.clone();
        for (int i = 0; i < v.length; i++) {
            plus[i] += h * d[i];
            minus[i] -= h * d[i];
        }
        double[] pp = project(plus, dual);
        double[] pm = project(minus, dual);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (pp[i] - pm[i]) / (2 * h);
        }
        return out;
    }

    @Test
    void derivativeMatchesFiniteDifferences() {
        Random rng = new Random(seed() + 2);
        List<double[]> pts = new ArrayList<>(smoothPoints(rng));
        for (int i = 0; i < randomCount() / 2; i++) {
            pts.add(randomPoint(rng));
        }
        for (double[] v : pts) {
            double n = norm(v);
            for (boolean dual : new boolean[] {false, true}) {
                for (int k = 0; k < 2; k++) {
                    double[] d = unitDirection(rng);
                    double[] fd = finiteDifference(v, dual, d, 1e-7 * n);
                    double[] jd = applyJ(v, dual, d, false);
                    assertArrayEquals(fd, jd, 1e-6, () -> (dual ? "K* " : "K ") + java.util.Arrays.toString(v));
                }
            }
        }
    }

    @Test
    void derivativeIsSymmetricWithSpectrumInUnitInterval() {
        Random rng = new Random(seed() + 3);
        List<double[]> all = points();
        List<double[]> pts = new ArrayList<>(all.subList(0, Math.min(80, all.size())));   // the hard points first
        pts.addAll(smoothPoints(rng));
        for (double[] v : pts) {
            for (boolean dual : new boolean[] {false, true}) {
                double[] a = unitDirection(rng);
                double[] b = unitDirection(rng);
                double lhs = dot(applyJ(v, dual, a, false), b);
                double rhs = dot(a, applyJ(v, dual, b, true));
                assertEquals(lhs, rhs, 1e-13, () -> "<Jv, w> = <v, J'w> at " + java.util.Arrays.toString(v));
                assertEquals(lhs, dot(a, applyJ(v, dual, b, false)), 1e-10, () -> "J = J' at " + java.util.Arrays.toString(v));
                ConeDerivative der = new ConeDerivative(dims(), 1);
                der.linearizeAt(v, 0, dual);
                double[] jac = der.denseJacobian(0);
                int m = dims().rows();
                org.ejml.data.DMatrixRMaj sym = new org.ejml.data.DMatrixRMaj(m, m);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < m; j++) {
                        sym.set(i, j, 0.5 * (jac[i * m + j] + jac[j * m + i]));
                    }
                }
                org.ejml.interfaces.decomposition.EigenDecomposition_F64<org.ejml.data.DMatrixRMaj> eig =
                        org.ejml.dense.row.factory.DecompositionFactory_DDRM.eig(m, false, true);
                assertTrue(eig.decompose(sym), () -> "eigendecomposition failed (NaN?) at " + java.util.Arrays.toString(v));
                for (int i = 0; i < m; i++) {
                    double lambda = eig.getEigenvalue(i).real;
                    assertTrue(lambda > -1e-9 && lambda < 1 + 1e-9,
                            () -> "eigenvalue " + lambda + " at " + java.util.Arrays.toString(v));
                }
            }
        }
    }

    @Test
    void denseJacobianAgreesWithApply() {
        Random rng = new Random(seed() + 4);
        int m = dims().rows();
        for (double[] v : points().subList(0, Math.min(40, points().size()))) {
            for (boolean dual : new boolean[] {false, true}) {
                ConeDerivative der = new ConeDerivative(dims(), 1);
                der.linearizeAt(v, 0, dual);
                double[] jac = der.denseJacobian(0);
                double[] d = unitDirection(rng);
                double[] dense = new double[m];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < m; j++) {
                        dense[i] += jac[i * m + j] * d[j];
                    }
                }
                double[] out = new double[m];
                der.apply(d, 0, out, 0);
                assertArrayEquals(dense, out, 1e-13);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void batchedDerivativesEqualPerLaneResults(int lanes) {
        List<double[]> pts = points();
        ConeDims dims = dims();
        int rows = dims.rows();
        Random rng = new Random(seed() + 5 + lanes);
        for (int trial = 0; trial < 6; trial++) {
            double[][] perLane = new double[lanes][];
            double[][] dirs = new double[lanes][];
            for (int l = 0; l < lanes; l++) {
                perLane[l] = pts.get(rng.nextInt(pts.size()));
                dirs[l] = unitDirection(rng);
            }
            for (boolean dual : new boolean[] {false, true}) {
                int offset = 2 + rng.nextInt(4);
                double[] tile = Tiles.pack(perLane, offset, 3);
                double[] dir = Tiles.pack(dirs, offset + 1, 2);
                double[] out = Tiles.pack(new double[lanes][rows], offset + 2, 1);
                double[] outT = out.clone();
                ConeDerivative der = new ConeDerivative(dims, lanes);
                der.linearizeAt(tile, offset, dual);
                der.apply(dir, offset + 1, out, offset + 2);
                der.applyTranspose(dir, offset + 1, outT, offset + 2);
                assertTrue(Tiles.sentinelsIntact(out, offset + 2, lanes, rows), "wrote outside the tile");
                for (int l = 0; l < lanes; l++) {
                    assertArrayEquals(applyJ(perLane[l], dual, dirs[l], false), Tiles.lane(out, offset + 2, lanes, rows, l),
                            0.0, "lane " + l);
                    assertArrayEquals(applyJ(perLane[l], dual, dirs[l], true), Tiles.lane(outT, offset + 2, lanes, rows, l),
                            0.0, "lane " + l + " transposed");
                    if (trial == 0) {
                        ConeDerivative single = new ConeDerivative(dims, 1);
                        single.linearizeAt(perLane[l], 0, dual);
                        assertArrayEquals(single.denseJacobian(0), der.denseJacobian(l), 0.0, "dense lane " + l);
                    }
                }
            }
        }
    }
}
