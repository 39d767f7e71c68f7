// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.ConeMembership;
import io.convexlayers.testing.Tiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks every {@link ConeBlock} type passes (a subclass per family, registered or not: see
 * {@link ConeBlocksTest}), on the blocks {@link ConeBlocks#of} makes for the family's
 * {@link ConeDims}: Π_K(v) ∈ K and Π_{K*}(v) ∈ K* (independent membership tests), idempotence,
 * the Moreau decomposition v = Π_K(v) − Π_{K*}(−v) with ⟨Π_K(v), Π_{K*}(−v)⟩ = 0 (which
 * characterises the projection), no feasible point nearer than Π_K(v), batched tiles equal to
 * per-lane results bit for bit, and the block's layout: blocks cover the rows in order, each
 * touches only its own rows, its cone bounds partition them, and Π commutes with a positive
 * scaling that is constant on each cone (what equilibration relies on).
 * <p>
 * And of the blocks' derivatives: DΠ·d against central finite differences (Richardson
 * extrapolated) at random points and the family's smooth hard points, ⟨J v, w⟩ = ⟨v, Jᵀ w⟩,
 * J = Jᵀ, eigenvalues of J in [0, 1] (J is the derivative of a projection onto a convex set),
 * J block diagonal over the cones (diagonal for an elementwise block, and equal to its
 * {@code diagonal} entries), and batched tiles equal to per-lane results.
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

    /** The blocks under test, for tiles of {@code lanes}. */
    final List<ConeBlock> blocks(int lanes) {
        return ConeBlocks.of(dims(), lanes);
    }

    /** Every block's projection, in place on a tile at {@code offset}. */
    static void project(List<ConeBlock> blocks, double[] v, int offset, boolean dual) {
        for (ConeBlock block : blocks) {
            if (dual) {
                block.projectDual(v, offset);
            } else {
                block.projectPrimal(v, offset);
            }
        }
    }

    final double[] project(double[] v, boolean dual) {
        double[] p = v.clone();
        project(blocks(1), p, 0, dual);
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
                assertTrue(Double.isFinite(x), () -> "non-finite projection of " + Arrays.toString(v));
            }
            for (double x : d) {
                assertTrue(Double.isFinite(x), () -> "non-finite dual projection of " + Arrays.toString(v));
            }
            assertNull(ConeMembership.violation(dims(), p, false, REL, v), () -> "primal, v = " + Arrays.toString(v));
            assertNull(ConeMembership.violation(dims(), d, true, REL, v), () -> "dual, v = " + Arrays.toString(v));
        }
    }

    @Test
    void projectionsAreIdempotent() {
        for (double[] v : points()) {
            for (boolean dual : new boolean[] {false, true}) {
                double[] p = project(v, dual);
                double[] pp = project(p, dual);
                assertEquals(0.0, distance(p, pp), REL * norm(v),
                        () -> (dual ? "dual " : "primal ") + Arrays.toString(v));
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
                assertEquals(0.0, distance(sum, v), REL * n, () -> "v = Π(v) − Π*(−v) for " + Arrays.toString(v));
                assertEquals(0.0, dot(p, q), REL * n * n, () -> "<Π(v), Π*(−v)> for " + Arrays.toString(v));
            }
        }
    }

    @Test
    void noFeasiblePointIsNearer() {
        Random rng = new Random(seed() + 1);
        List<double[]> pts = points();
        List<double[]> feasible = new ArrayList<>();
        for (int draw = 0; draw < 400 && feasible.size() < 40; draw++) {
            double[] f = project(randomPoint(rng), false);
            if (norm(f) > 0) {   // none for the zero cone
                feasible.add(f);
            }
        }
        for (double[] v : pts) {
            double[] p = project(v, false);
            double dist = distance(v, p);
            double slack = 1e-13 * norm(v);
            assertTrue(dist <= norm(v) + slack, () -> "the apex is nearer to " + Arrays.toString(v));
            for (double[] f : feasible) {
                assertTrue(dist <= distance(v, f) + slack, () -> "random feasible point nearer to " + Arrays.toString(v));
                // p + εf is feasible (a cone is convex) and close to p: first-order optimality
                double eps = 1e-3 * norm(v) / norm(f);
                double[] moved = p.clone();
                for (int i = 0; i < moved.length; i++) {
                    moved[i] += eps * f[i];
                }
                assertTrue(dist <= distance(v, moved) + slack, () -> "perturbed projection nearer to " + Arrays.toString(v));
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
                project(blocks(lanes), tile, offset, dual);
                assertTrue(Tiles.sentinelsIntact(tile, offset, lanes, rows), "wrote outside the tile");
                for (int l = 0; l < lanes; l++) {
                    assertArrayEquals(project(perLane[l], dual), Tiles.lane(tile, offset, lanes, rows, l), 0.0,
                            "lane " + l + (dual ? " dual" : " primal"));
                }
            }
        }
    }

    @Test
    void blocksCoverTheRowsInOrderAndConesPartitionEachBlock() {
        List<ConeBlock> blocks = blocks(3);
        assertTrue(!blocks.isEmpty(), "no block for " + dims());
        int row = 0;
        for (ConeBlock block : blocks) {
            assertEquals(row, block.start(), "blocks are contiguous");
            assertTrue(block.rows() > 0, "empty block");
            assertEquals(block.start() + block.rows(), block.end());
            assertEquals(3, block.lanes());
            int[] bounds = block.coneBounds();
            assertEquals(block.start(), bounds[0]);
            assertEquals(block.end(), bounds[bounds.length - 1]);
            for (int k = 0; k + 1 < bounds.length; k++) {
                assertTrue(bounds[k + 1] > bounds[k], "empty cone in " + Arrays.toString(bounds));
                if (block.elementwise()) {
                    assertEquals(1, bounds[k + 1] - bounds[k], "elementwise cones are single rows");
                }
            }
            row = block.end();
        }
        assertEquals(dims().rows(), row, "blocks cover every row");
    }

    @Test
    void eachBlockTouchesOnlyItsOwnRows() {
        int lanes = 3;
        int rows = dims().rows();
        Random rng = new Random(seed() + 6);
        List<double[]> pts = points();
        for (ConeBlock block : blocks(lanes)) {
            BlockDerivative der = block.derivative();
            for (int trial = 0; trial < 5; trial++) {
                double[][] perLane = new double[lanes][];
                for (int l = 0; l < lanes; l++) {
                    perLane[l] = pts.get(rng.nextInt(pts.size()));
                }
                for (boolean dual : new boolean[] {false, true}) {
                    double[] tile = Tiles.pack(perLane, 2, 2);
                    double[] before = tile.clone();
                    if (dual) {
                        block.projectDual(tile, 2);
                    } else {
                        block.projectPrimal(tile, 2);
                    }
                    der.linearizeAt(before, 2, dual);
                    double[] out = Tiles.pack(new double[lanes][rows], 1, 1);
                    Arrays.fill(out, Tiles.SENTINEL);
                    der.apply(Tiles.pack(perLane, 1, 1), 1, out, 1, false);
                    for (int r = 0; r < rows; r++) {
                        boolean inside = r >= block.start() && r < block.end();
                        for (int l = 0; l < lanes; l++) {
                            int i = r * lanes + l;
                            if (!inside) {
                                assertEquals(before[2 + i], tile[2 + i], 0.0, "projection wrote row " + r);
                                assertEquals(Tiles.SENTINEL, out[1 + i], 0.0, "derivative wrote row " + r);
                            } else {
                                assertTrue(out[1 + i] != Tiles.SENTINEL, "derivative skipped row " + r);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Per row, 2^j with j ∈ [−3, 3] drawn per cone of every block: a scaling exact in floating point. */
    final double[] factorsPerCone(Random rng) {
        double[] factors = new double[dims().rows()];
        for (ConeBlock block : blocks(1)) {
            int[] bounds = block.coneBounds();
            for (int k = 0; k + 1 < bounds.length; k++) {
                Arrays.fill(factors, bounds[k], bounds[k + 1], Math.scalb(1.0, rng.nextInt(7) - 3));
            }
        }
        return factors;
    }

    static double[] times(double[] factors, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = factors[i] * v[i];
        }
        return out;
    }

    @Test
    void projectionCommutesWithAScalingConstantOnEachCone() {
        Random rng = new Random(seed() + 7);
        for (double[] v : points()) {
            double[] factors = factorsPerCone(rng);
            double[] scaled = times(factors, v);
            for (boolean dual : new boolean[] {false, true}) {
                double[] expected = times(factors, project(v, dual));
                assertEquals(0.0, distance(expected, project(scaled, dual)), REL * norm(scaled),
                        () -> (dual ? "dual " : "primal ") + Arrays.toString(v));
            }
        }
    }

    // ---------------------------------------------------------------- derivatives

    /** The derivatives of {@code blocks}, linearized at the tile {@code v}. */
    static List<BlockDerivative> linearize(List<ConeBlock> blocks, double[] v, int offset, boolean dual) {
        List<BlockDerivative> ders = new ArrayList<>();
        for (ConeBlock block : blocks) {
            BlockDerivative der = block.derivative();
            der.linearizeAt(v, offset, dual);
            ders.add(der);
        }
        return ders;
    }

    static void apply(List<BlockDerivative> ders, double[] d, int dOffset, double[] out, int outOffset,
                      boolean transpose) {
        for (BlockDerivative der : ders) {
            der.apply(d, dOffset, out, outOffset, transpose);
        }
    }

    /** Lane {@code lane}'s dense Jacobian (rows × rows, row-major) of linearized derivatives. */
    static double[] denseJacobian(List<BlockDerivative> ders, int rows, int lanes, int lane) {
        double[] jac = new double[rows * rows];
        double[] unit = new double[rows * lanes];
        double[] col = new double[rows * lanes];
        for (int j = 0; j < rows; j++) {
            unit[j * lanes + lane] = 1.0;
            apply(ders, unit, 0, col, 0, false);
            unit[j * lanes + lane] = 0.0;
            for (int i = 0; i < rows; i++) {
                jac[i * rows + j] = col[i * lanes + lane];
            }
        }
        return jac;
    }

    final double[] denseJacobian(double[] v, boolean dual) {
        return denseJacobian(linearize(blocks(1), v, 0, dual), dims().rows(), 1, 0);
    }

    final double[] applyJ(double[] v, boolean dual, double[] d, boolean transpose) {
        double[] out = new double[d.length];
        apply(linearize(blocks(1), v, 0, dual), d, 0, out, 0, transpose);
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
                    assertArrayEquals(fd, jd, 1e-6, () -> (dual ? "K* " : "K ") + Arrays.toString(v));
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
                assertEquals(lhs, rhs, 1e-13, () -> "<Jv, w> = <v, J'w> at " + Arrays.toString(v));
                assertEquals(lhs, dot(a, applyJ(v, dual, b, false)), 1e-10, () -> "J = J' at " + Arrays.toString(v));
                double[] jac = denseJacobian(v, dual);
                int m = dims().rows();
                org.ejml.data.DMatrixRMaj sym = new org.ejml.data.DMatrixRMaj(m, m);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < m; j++) {
                        sym.set(i, j, 0.5 * (jac[i * m + j] + jac[j * m + i]));
                    }
                }
                org.ejml.interfaces.decomposition.EigenDecomposition_F64<org.ejml.data.DMatrixRMaj> eig =
                        org.ejml.dense.row.factory.DecompositionFactory_DDRM.eig(m, false, true);
                assertTrue(eig.decompose(sym), () -> "eigendecomposition failed (NaN?) at " + Arrays.toString(v));
                for (int i = 0; i < m; i++) {
                    double lambda = eig.getEigenvalue(i).real;
                    assertTrue(lambda > -1e-9 && lambda < 1 + 1e-9,
                            () -> "eigenvalue " + lambda + " at " + Arrays.toString(v));
                }
            }
        }
    }

    @Test
    void derivativeIsBlockDiagonalOverTheCones() {
        int m = dims().rows();
        int[] cone = new int[m];   // the cone of each row, numbered across blocks
        int count = 0;
        for (ConeBlock block : blocks(1)) {
            int[] bounds = block.coneBounds();
            for (int k = 0; k + 1 < bounds.length; k++, count++) {
                Arrays.fill(cone, bounds[k], bounds[k + 1], count);
            }
        }
        List<double[]> all = points();
        for (double[] v : all.subList(0, Math.min(40, all.size()))) {
            for (boolean dual : new boolean[] {false, true}) {
                List<ConeBlock> blocks = blocks(1);
                List<BlockDerivative> ders = linearize(blocks, v, 0, dual);
                double[] jac = denseJacobian(ders, m, 1, 0);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < m; j++) {
                        if (cone[i] != cone[j]) {
                            assertEquals(0.0, jac[i * m + j], 0.0, "entry (" + i + ", " + j + ") between cones");
                        }
                    }
                }
                for (int k = 0; k < blocks.size(); k++) {
                    ConeBlock block = blocks.get(k);
                    for (int r = block.start(); block.elementwise() && r < block.end(); r++) {
                        assertEquals(jac[r * m + r], ders.get(k).diagonal(r - block.start(), 0), 0.0,
                                "diagonal entry of row " + r);
                    }
                }
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
                List<BlockDerivative> der = linearize(blocks(lanes), tile, offset, dual);
                apply(der, dir, offset + 1, out, offset + 2, false);
                apply(der, dir, offset + 1, outT, offset + 2, true);
                assertTrue(Tiles.sentinelsIntact(out, offset + 2, lanes, rows), "wrote outside the tile");
                for (int l = 0; l < lanes; l++) {
                    assertArrayEquals(applyJ(perLane[l], dual, dirs[l], false), Tiles.lane(out, offset + 2, lanes, rows, l),
                            0.0, "lane " + l);
                    assertArrayEquals(applyJ(perLane[l], dual, dirs[l], true), Tiles.lane(outT, offset + 2, lanes, rows, l),
                            0.0, "lane " + l + " transposed");
                    if (trial == 0) {
                        double[] single = denseJacobian(perLane[l], dual);
                        assertArrayEquals(single, denseJacobian(der, rows, lanes, l), 0.0, "dense lane " + l);
                    }
                }
            }
        }
    }
}
