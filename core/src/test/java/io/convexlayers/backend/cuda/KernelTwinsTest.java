// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.batch.TileSparse;
import io.convexlayers.data.ConeDims;
import io.convexlayers.cone.ConeProjector;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels' Java twins, launched through the emulated device, against independent references:
 * sparse products against {@link TileSparse}, projections by the characterization of a projection
 * onto a closed convex cone (v = p − q with p ∈ K, q ∈ K*, pᵀq = 0), zero/nonneg/SOC also against
 * the CPU projector, the parameter map and the batched Cholesky against dense arithmetic.
 */
class KernelTwinsTest {
    private static final int LANES = 7;
    private final EmulatedDevice dev = new EmulatedDevice(1L << 30);
    private final BufferPool.Lease lease = new BufferPool.Lease(new BufferPool(dev));
    private final Random rnd = new Random(99);

    private double[] randomVector(int rows, int lanes) {
        double[] v = new double[rows * lanes];
        for (int k = 0; k < v.length; k++) {
            double scale = switch (k % 5) {
                case 0 -> 0.01;
                case 1 -> 10;
                default -> 1;
            };
            v[k] = scale * rnd.nextGaussian();
        }
        return v;
    }

    private DeviceVector upload(double[] host, int rows, int lanes) {
        DeviceVector v = lease.vector(rows, lanes);
        dev.upload(host, 0, v.ptr(), host.length);
        return v;
    }

    private double[] download(DeviceVector v) {
        double[] h = new double[v.size()];
        dev.download(v.ptr(), h, 0, h.length);
        return h;
    }

    private static double[] lane(double[] v, int rows, int lanes, int l) {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = v[i * lanes + l];
        }
        return out;
    }

    @Test
    void sparseProductsMatchTheCpuTileProducts() {
        int m = 13;
        int n = 9;
        double[][] dense = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                dense[i][j] = rnd.nextDouble() < 0.4 ? rnd.nextGaussian() : 0;
            }
        }
        SparsePattern a = CscMatrix.fromDense("A", dense).pattern();
        double[][] sym = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double x = rnd.nextDouble() < 0.5 || i == j ? rnd.nextGaussian() : 0;
                sym[i][j] = x;
                sym[j][i] = x;
            }
        }
        SparsePattern p = CscMatrix.upperTriangleOf("P", sym).pattern();
        for (boolean shared : new boolean[] {true, false}) {
            int vl = shared ? 1 : LANES;
            double[] av = randomVector(a.nnz(), vl);
            double[] pv = randomVector(p.nnz(), vl);
            DeviceMatrices mat = new DeviceMatrices(lease, a, av, p, pv, shared, LANES);
            double[] x = randomVector(n, LANES);
            double[] y = randomVector(m, LANES);
            DeviceVector xd = upload(x, n, LANES);
            DeviceVector yd = upload(y, m, LANES);
            DeviceVector ax = lease.vector(m, LANES);
            DeviceVector aty = lease.vector(n, LANES);
            DeviceVector px = lease.vector(n, LANES);
            mat.mulA(xd.ptr(), ax.ptr(), false);
            mat.mulAT(yd.ptr(), aty.ptr(), false);
            mat.mulP(xd.ptr(), px.ptr(), false);
            double[] axRef = new double[m * LANES];
            double[] atyRef = new double[n * LANES];
            double[] pxRef = new double[n * LANES];
            TileSparse.multiplyAdd(a, av, shared, LANES, x, 0, axRef, 0);
            TileSparse.transposeMultiplyAdd(a, av, shared, LANES, y, 0, atyRef, 0);
            TileSparse.symmetricMultiplyAdd(p, pv, shared, LANES, x, 0, pxRef, 0);
            assertArrayEquals(axRef, download(ax), 1e-12, "A x, shared=" + shared);
            assertArrayEquals(atyRef, download(aty), 1e-12, "A^T y, shared=" + shared);
            assertArrayEquals(pxRef, download(px), 1e-12, "P x, shared=" + shared);
            // accumulate adds
            mat.mulA(xd.ptr(), ax.ptr(), true);
            for (int k = 0; k < axRef.length; k++) {
                axRef[k] *= 2;
            }
            assertArrayEquals(axRef, download(ax), 1e-12, "A x accumulated");
        }
    }

    @Test
    void zeroNonnegAndSecondOrderConesMatchTheCpuProjector() {
        ConeDims cones = CudaTestProblems.SOC_CONES;
        int m = cones.rows();
        DeviceCones ops = new DeviceCones(lease, cones, LANES);
        ConeProjector cpu = new ConeProjector(cones, LANES);
        for (boolean primal : new boolean[] {true, false}) {
            double[] v = randomVector(m, LANES);
            DeviceVector d = upload(v, m, LANES);
            ops.project(d, 0, primal);
            if (primal) {
                cpu.projectPrimal(v, 0);
            } else {
                cpu.projectDual(v, 0);
            }
            assertArrayEquals(v, download(d), 1e-14, "primal=" + primal);
        }
    }

    @Test
    void everyConeFamilyMatchesTheCpuProjector() {
        ConeDims cones = ConeDims.builder().zero(2).nonneg(3).soc(1, 4).psd(1, 2, 4).exp(3).dualExp(2)
                .power(0.3, 0.5, -0.7).build();
        int m = cones.rows();
        DeviceCones ops = new DeviceCones(lease, cones, LANES);
        ConeProjector cpu = new ConeProjector(cones, LANES);
        for (int round = 0; round < 10; round++) {
            for (boolean primal : new boolean[] {true, false}) {
                double[] v = randomVector(m, LANES);
                DeviceVector d = upload(v, m, LANES);
                ops.project(d, 0, primal);
                if (primal) {
                    cpu.projectPrimal(v, 0);
                } else {
                    cpu.projectDual(v, 0);
                }
                double[] got = download(d);
                for (int k = 0; k < v.length; k++) {
                    assertEquals(v[k], got[k], 1e-7 * Math.max(1, Math.abs(v[k])),
                            "row " + k / LANES + " lane " + k % LANES + " primal=" + primal + " round " + round);
                }
            }
        }
    }

    @Test
    void psdExpAndPowerProjectionsAreProjections() {
        ConeDims cones = ConeDims.builder().psd(1, 2, 4).exp(3).dualExp(2).power(0.3, 0.5, -0.7).build();
        int m = cones.rows();
        DeviceCones ops = new DeviceCones(lease, cones, LANES);
        for (int round = 0; round < 20; round++) {
            double[] v = randomVector(m, LANES);
            for (boolean primal : new boolean[] {true, false}) {
                DeviceVector d = upload(v, m, LANES);
                ops.project(d, 0, primal);
                double[] p = download(d);
                for (int l = 0; l < LANES; l++) {
                    double[] vl = lane(v, m, LANES, l);
                    double[] pl = lane(p, m, LANES, l);
                    double[] q = new double[m];
                    for (int i = 0; i < m; i++) {
                        q[i] = pl[i] - vl[i];
                    }
                    // v = p - q with p in C, q in C*, p ⟂ q, where C = K (primal) or K* (dual).
                    checkProjection(cones, pl, q, primal, "round " + round + " lane " + l + " primal=" + primal);
                }
            }
        }
    }

    private static void checkProjection(ConeDims cones, double[] p, double[] q, boolean primal, String what) {
        double tol = 1e-7;
        double dot = 0;
        double scale = 1;
        for (int i = 0; i < p.length; i++) {
            dot += p[i] * q[i];
            scale = Math.max(scale, Math.abs(p[i]) + Math.abs(q[i]));
        }
        assertEquals(0, dot, tol * scale * scale, what + ": p.q");
        int r = cones.psdStart();
        for (int k : cones.psd()) {
            assertTrue(minEig(p, r, k) >= -tol * scale, what + ": p PSD");
            assertTrue(minEig(q, r, k) >= -tol * scale, what + ": q PSD");
            r += ConeDims.svecLength(k);
        }
        for (int t = 0; t < cones.exp(); t++) {
            int o = cones.expStart() + 3 * t;
            assertTrue(primal ? inExp(p, o, tol * scale) : inExpDual(p, o, tol * scale), what + ": exp p " + o);
            assertTrue(primal ? inExpDual(q, o, tol * scale) : inExp(q, o, tol * scale), what + ": exp q " + o);
        }
        for (int t = 0; t < cones.dualExp(); t++) {
            int o = cones.dualExpStart() + 3 * t;
            assertTrue(primal ? inExpDual(p, o, tol * scale) : inExp(p, o, tol * scale), what + ": dexp p " + o);
            assertTrue(primal ? inExp(q, o, tol * scale) : inExpDual(q, o, tol * scale), what + ": dexp q " + o);
        }
        double[] alphas = cones.power();
        for (int t = 0; t < alphas.length; t++) {
            int o = cones.powerStart() + 3 * t;
            double a = Math.abs(alphas[t]);
            boolean coneIsPrimalPower = (alphas[t] > 0) == primal;
            assertTrue(coneIsPrimalPower ? inPow(p, o, a, tol * scale) : inPowDual(p, o, a, tol * scale),
                    what + ": pow p " + o);
            assertTrue(coneIsPrimalPower ? inPowDual(q, o, a, tol * scale) : inPow(q, o, a, tol * scale),
                    what + ": pow q " + o);
        }
    }

    private static double minEig(double[] svec, int r0, int k) {
        DMatrixRMaj mat = new DMatrixRMaj(k, k);
        int idx = r0;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double x = i == j ? svec[idx] : svec[idx] / Math.sqrt(2);
                mat.set(i, j, x);
                mat.set(j, i, x);
                idx++;
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, false, true);
        assertTrue(eig.decompose(mat));
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            min = Math.min(min, eig.getEigenvalue(i).getReal());
        }
        return min;
    }

    /**
     * Membership in K_exp (or K_exp* when {@code dual}) through the polar description: v ∈ C iff
     * ⟨v, y⟩ ≥ 0 for every generator y of C*, normalized. Generators: K_exp* is spanned by
     * (−1, ρ − 1, e^−ρ) and (0, 1, 0), (0, 0, 1); K_exp by (ρ, 1, e^ρ) and (−1, 0, 0), (0, 0, 1). The
     * minimizing ρ is taken analytically and from a grid, which keeps the check well conditioned where
     * the closed-form inequality s·exp(r/s) ≤ t amplifies rounding.
     */
    private static boolean expMember(double[] v, int o, double tol, boolean dual) {
        double a = v[o], b = v[o + 1], c = v[o + 2];
        double norm = Math.sqrt(a * a + b * b + c * c);
        double worst = dual ? Math.min(-a, c) : Math.min(b, c);
        java.util.List<Double> rhos = new java.util.ArrayList<>();
        for (int k = -3000; k <= 3000; k++) {
            rhos.add(k * 0.02);
        }
        if (dual && a < 0 && c > 0) {
            rhos.add(Math.log(-a / c));
        }
        if (!dual && b > 0 && c > 0) {
            rhos.add(Math.log(c / b));
        }
        for (double rho : rhos) {
            double[] y = dual ? new double[] {rho, 1, Math.exp(rho)} : new double[] {-1, rho - 1, Math.exp(-rho)};
            double ny = Math.sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
            if (Double.isFinite(ny)) {
                worst = Math.min(worst, (a * y[0] + b * y[1] + c * y[2]) / ny);
            }
        }
        return worst >= -tol * Math.max(1, norm);
    }

    private static boolean inExp(double[] v, int o, double tol) {
        return expMember(v, o, tol, false);
    }

    private static boolean inExpDual(double[] v, int o, double tol) {
        return expMember(v, o, tol, true);
    }

    private static boolean inPow(double[] v, int o, double a, double tol) {
        double x = v[o], y = v[o + 1], z = v[o + 2];
        return x >= -tol && y >= -tol
                && Math.pow(Math.max(x, 0), a) * Math.pow(Math.max(y, 0), 1 - a) >= Math.abs(z) - tol;
    }

    private static boolean inPowDual(double[] v, int o, double a, double tol) {
        double u = v[o], w = v[o + 1], z = v[o + 2];
        return u >= -tol && w >= -tol
                && Math.pow(Math.max(u, 0) / a, a) * Math.pow(Math.max(w, 0) / (1 - a), 1 - a) >= Math.abs(z) - tol;
    }

    @Test
    void thePolyhedralTailIsTheFourStepsItReplaces() {
        int lanes = 3;
        int n = 4;
        int m = 5; // 2 zero rows, 3 nonnegative rows
        int len = n + m + 1;
        int total = len * lanes;
        double[] g = randomVector(len, lanes);
        double[] p = randomVector(len, lanes);
        double[] v = randomVector(len, lanes);
        for (boolean relax : new boolean[] {true, false}) {
            double[] p1 = p.clone();
            double[] v1 = v.clone();
            double[] u1 = new double[total];
            KernelTwins.clHsdePolyhedralTail(total, lanes, n + m, n + 2, n + 5, 0, relax ? 1 : 0, 1.6,
                    new DPtr(g, 0), new DPtr(p1, 0), new DPtr(v1, 0), new DPtr(u1, 0));
            double[] p2 = p.clone();
            double[] v2 = v.clone();
            double[] u2 = new double[total];
            KernelTwins.clHsdeLinearFinish((n + m) * lanes, lanes, n + m, new DPtr(g, 0), new DPtr(p2, 0));
            KernelTwins.clHsdeReflect(total, lanes, len, new DPtr(p2, 0), new DPtr(v2, 0), new DPtr(u2, 0), 0);
            KernelTwins.clProjNonneg(3 * lanes, new DPtr(u2, (n + 2) * lanes));
            if (relax) {
                KernelTwins.clHsdeRelax(total, 1.6, new DPtr(v2, 0), new DPtr(u2, 0), new DPtr(p2, 0));
            }
            assertArrayEquals(p2, p1, 0);
            assertArrayEquals(u2, u1, 0);
            assertArrayEquals(v2, v1, 0);
        }
    }

    @Test
    void theInversePathTakesOrdersWhoseTwoPackedMatricesFitABlock() {
        assertEquals(169, BatchedCholeskyKkt.inverseMaxOrder(227 * 1024));
        assertEquals(77, BatchedCholeskyKkt.inverseMaxOrder(48 * 1024));
        assertEquals(0, BatchedCholeskyKkt.inverseMaxOrder(8));
    }

    @Test
    void factorInverseReportsTheFailingPivotOfItsLaneOnly() {
        int n = 3;
        int lanes = 3;
        // Lane 0: SPD; lane 1: pivot 2 (index 1) is zero; lane 2: SPD. Packed lower, batch-minor.
        double[][] packed = {{4, 2, 3, 0, 1, 5}, {1, 1, 1, 0, 0, 2}, {2, 0, 2, 0, 0, 2}};
        double[] k = new double[6 * lanes];
        for (int p = 0; p < 6; p++) {
            for (int l = 0; l < lanes; l++) {
                k[p * lanes + l] = packed[l][p];
            }
        }
        DPtr kmat = new DPtr(k, 0);
        double[] inv = new double[n * n * lanes];
        int[] info = new int[lanes];
        KernelTwins.clDenseFactorInverse(lanes, n, kmat, new DPtr(inv, 0), new IPtr(info, 0),
                new IPtr(new int[] {1, 1, 1}, 0));
        assertArrayEquals(new int[] {0, 2, 0}, info);
        for (int l : new int[] {0, 2}) {
            double[][] full = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    full[i][j] = full[j][i] = packed[l][i * (i + 1) / 2 + j];
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int q = 0; q < n; q++) {
                        s += full[i][q] * inv[(q * n + j) * lanes + l];
                    }
                    assertEquals(i == j ? 1 : 0, s, 1e-13, "K K^-1 of lane " + l + " at " + i + "," + j);
                }
            }
        }
        for (int e = 0; e < n * n; e++) {
            assertTrue(Double.isNaN(inv[e * lanes + 1]), "the failed lane's inverse is NaN: its solves fail");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void batchedCholeskySolvesTheReducedSystem(boolean inverse) {
        int m = 8;
        int n = 5;
        double[][] dense = CudaTestProblems.gaussian(m, n, rnd);
        SparsePattern a = CscMatrix.fromDense("A", dense).pattern();
        double[][] sym = new double[n][n];
        for (int i = 0; i < n; i++) {
            sym[i][i] = 1 + rnd.nextDouble();
        }
        sym[0][3] = sym[3][0] = 0.3;
        CscMatrix pm = CscMatrix.upperTriangleOf("P", sym);
        double[] av = randomVector(a.nnz(), LANES);
        double[] pv = new double[pm.nnz() * LANES];
        for (int k = 0; k < pm.nnz(); k++) {
            for (int l = 0; l < LANES; l++) {
                pv[k * LANES + l] = pm.value(k) * (1 + 0.1 * l);
            }
        }
        DeviceMatrices mat = new DeviceMatrices(lease, a, av, pm.pattern(), pv, false, LANES);
        double[] rhoY = new double[m * LANES];
        for (int k = 0; k < rhoY.length; k++) {
            rhoY[k] = 0.5 + rnd.nextDouble();
        }
        DeviceBuffer rhoDev = lease.upload(rhoY);
        BatchedCholeskyKkt kkt = new BatchedCholeskyKkt(lease, mat, rhoDev, inverse);
        assertEquals(inverse, kkt.usesInverse());
        double rhoX = 1e-3;
        kkt.factor(rhoX, rhoY, null);
        for (int s : kkt.info()) {
            assertEquals(0, s);
        }
        for (int round = 0; round < 2; round++) {
            if (round == 1) {
                // New weights for lane 1 only: refactoring that lane alone must serve the new system
                // while the other lanes keep factors that are still right.
                boolean[] changed = new boolean[LANES];
                changed[1] = true;
                for (int i = 0; i < m; i++) {
                    rhoY[i * LANES + 1] *= 3;
                }
                dev.upload(rhoY, 0, rhoDev.ptr(), rhoY.length);
                kkt.factor(rhoX, rhoY, changed);
            }
            double[] rhs = randomVector(n + m, LANES);
            DeviceVector v = upload(rhs, n + m, LANES);
            kkt.solve(v, true);
            assertSolvesReducedSystem(rhs, download(v), n, m, a, av, pm, pv, rhoX, rhoY);
        }
    }

    /** The KKT equations lane by lane: (rhoX I + P) x + A^T y = r_x, A x - diag(rhoY) y = r_y. */
    private static void assertSolvesReducedSystem(double[] rhs, double[] sol, int n, int m, SparsePattern a,
                                                  double[] av, CscMatrix pm, double[] pv, double rhoX,
                                                  double[] rhoY) {
        for (int l = 0; l < LANES; l++) {
            for (int j = 0; j < n; j++) {
                double acc = rhoX * sol[j * LANES + l];
                for (int jj = 0; jj < n; jj++) {
                    int k = pm.pattern().find(Math.min(j, jj), Math.max(j, jj));
                    if (k >= 0) {
                        acc += pv[k * LANES + l] * sol[jj * LANES + l];
                    }
                }
                for (int q = a.colStart(j); q < a.colStart(j + 1); q++) {
                    acc += av[q * LANES + l] * sol[(n + a.rowIndex(q)) * LANES + l];
                }
                assertEquals(rhs[j * LANES + l], acc, 1e-9, "x row " + j + " lane " + l);
            }
            double[] ax = new double[m];
            for (int j = 0; j < n; j++) {
                for (int q = a.colStart(j); q < a.colStart(j + 1); q++) {
                    ax[a.rowIndex(q)] += av[q * LANES + l] * sol[j * LANES + l];
                }
            }
            for (int i = 0; i < m; i++) {
                double got = ax[i] - rhoY[i * LANES + l] * sol[(n + i) * LANES + l];
                assertEquals(rhs[(n + i) * LANES + l], got, 1e-9, "y row " + i + " lane " + l);
            }
        }
    }
}
