// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.LaneGather;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks every {@link LinearSystem} implementation against EJML's dense LU solve of the full KKT
 * matrix, lane by lane. Subclasses say how to build the system and whether it is a shared-factor
 * implementation (then the values are shared and every lane gets the same rhoY).
 */
abstract class LinearSystemContract {

    abstract LinearSystem create(TileMatrices mats);

    /** True for shared-factor implementations. */
    abstract boolean shared();

    /** Largest accepted ‖K·sol − rhs‖∞ / (‖K‖∞‖sol‖∞ + ‖rhs‖∞). */
    double residualTolerance() {
        return Double.parseDouble(System.getProperty("resTol", "1e-10"));
    }

    /** Largest accepted ‖sol − ref‖∞ / ‖ref‖∞ on well-conditioned systems. */
    double errorTolerance() {
        return Double.parseDouble(System.getProperty("errTol", "1e-9"));
    }

    /** Solves in place; iterative implementations override to call solve repeatedly. */
    void solve(LinearSystem sys, double[] rhs) {
        sys.solve(rhs);
    }

    private RandomKkt.Spec adapt(RandomKkt.Spec s) {
        return shared() ? s.shared() : s;
    }

    /** Factors, solves one random right-hand side and checks every lane; returns the worst residual. */
    private double check(RandomKkt kkt, LinearSystem sys, double rhoX, double[] rhoY, boolean compare) {
        sys.factor(rhoX, rhoY);
        double[] rhs = kkt.rhs();
        double[] sol = rhs.clone();
        solve(sys, sol);
        double worst = 0;
        for (int l = 0; l < kkt.mats.lanes(); l++) {
            double res = kkt.relativeResidual(l, rhoX, rhoY, rhs, sol);
            assertTrue(res <= residualTolerance(), "lane " + l + " residual " + res);
            if (compare) {
                DMatrixRMaj ref = kkt.reference(l, rhoX, rhoY, rhs);
                double err = kkt.relativeError(l, sol, ref);
                assertTrue(err <= errorTolerance(), "lane " + l + " error " + err);
            }
            worst = Math.max(worst, res);
        }
        return worst;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void matchesDenseReferenceWithP(int lanes) {
        RandomKkt kkt = RandomKkt.create(11 + lanes, adapt(RandomKkt.Spec.of(13, 21, lanes, 0.3)));
        check(kkt, create(kkt.mats), 0.1, kkt.rhoY(0.5, 0, shared()), true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void matchesDenseReferenceWithoutP(int lanes) {
        RandomKkt kkt = RandomKkt.create(23 + lanes, adapt(RandomKkt.Spec.of(17, 9, lanes, 0.4).withP(false)));
        check(kkt, create(kkt.mats), 0.1, kkt.rhoY(0.5, 0, shared()), true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void sharedValuesGiveTheSameAnswerPerLane(int lanes) {
        RandomKkt kkt = RandomKkt.create(31 + lanes, RandomKkt.Spec.of(15, 25, lanes, 0.25).shared());
        check(kkt, create(kkt.mats), 0.1, kkt.rhoY(0.5, 0, shared()), true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void denseConstraintMatrix(int lanes) {
        RandomKkt kkt = RandomKkt.create(41 + lanes, adapt(RandomKkt.Spec.of(24, 60, lanes, 1.0)));
        check(kkt, create(kkt.mats), 0.1, kkt.rhoY(1.0, 10, shared()), true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void emptyRowsAndColumns(int lanes) {
        RandomKkt kkt = RandomKkt.create(53 + lanes, adapt(RandomKkt.Spec.of(14, 19, lanes, 0.2).empty(3, 4)));
        check(kkt, create(kkt.mats), 0.1, kkt.rhoY(0.5, 2, shared()), true);
        RandomKkt noP = RandomKkt.create(59 + lanes,
                adapt(RandomKkt.Spec.of(14, 19, lanes, 0.2).empty(3, 4).withP(false)));
        check(noP, create(noP.mats), 0.1, noP.rhoY(0.5, 2, shared()), true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void noConstraintRows(int lanes) {
        RandomKkt kkt = RandomKkt.create(61 + lanes, adapt(RandomKkt.Spec.of(12, 0, lanes, 0.3)));
        check(kkt, create(kkt.mats), 0.1, new double[0], true);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void tinyWeightsOnZeroConeRows(int lanes) {
        // SCS-like scaling: rhoX = 1e-6, rhoY = 0.1 with zero-cone rows at 1e-4.
        RandomKkt kkt = RandomKkt.create(71 + lanes, adapt(RandomKkt.Spec.of(30, 45, lanes, 0.15)));
        check(kkt, create(kkt.mats), 1e-6, kkt.rhoY(0.1, 15, shared()), false);
        RandomKkt noP = RandomKkt.create(73 + lanes, adapt(RandomKkt.Spec.of(30, 20, lanes, 0.15).withP(false)));
        check(noP, create(noP.mats), 1e-6, noP.rhoY(0.1, 20, shared()), false);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void refactorAfterRhoYChange(int lanes) {
        RandomKkt kkt = RandomKkt.create(83 + lanes, adapt(RandomKkt.Spec.of(16, 28, lanes, 0.3)));
        LinearSystem sys = create(kkt.mats);
        check(kkt, sys, 0.1, kkt.rhoY(0.5, 3, shared()), true);
        double[] changed = kkt.rhoY(5.0, 3, shared());
        check(kkt, sys, 0.1, changed, true);
        check(kkt, sys, 0.2, kkt.rhoY(0.05, 3, shared()), true);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 8})
    void factorAndSolveDoNotAllocate(int lanes) {
        RandomKkt kkt = RandomKkt.create(89 + lanes, adapt(RandomKkt.Spec.of(20, 30, lanes, 0.3)));
        LinearSystem sys = create(kkt.mats);
        double[] rhoY = kkt.rhoY(0.5, 3, shared());
        double[] rhs = kkt.rhs();
        // The scalar loops: SIMD code allocates until the JIT has compiled it (its steady state is
        // checked in LaneSimdTest.compiledKernelsDoNotAllocate).
        io.convexlayers.batch.LaneSimd.setEnabled(false);
        try {
            assertNoAllocation(sys, rhoY, rhs);
        } finally {
            io.convexlayers.batch.LaneSimd.setEnabled(true);
        }
    }

    private static void assertNoAllocation(LinearSystem sys, double[] rhoY, double[] rhs) {
        for (int warm = 0; warm < 3; warm++) {
            sys.factor(0.1, rhoY);
            sys.solve(rhs);
        }
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int rep = 0; rep < 20; rep++) {
            sys.factor(0.1, rhoY);
            sys.solve(rhs);
            sys.solve(rhs);
        }
        long allocated = bean.getCurrentThreadAllocatedBytes() - before;
        // 60 calls: any per-call allocation (≥ 16 bytes each) would exceed this; the JVM itself
        // occasionally charges a one-off ~100 bytes (compilation, deoptimization) to the thread
        assertTrue(allocated < 256, "bytes allocated by 20 factors and 40 solves: " + allocated);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 8})
    void lanesAreIndependent(int lanes) {
        RandomKkt kkt = RandomKkt.create(97 + lanes, adapt(RandomKkt.Spec.of(10, 14, lanes, 0.3)));
        LinearSystem sys = create(kkt.mats);
        sys.factor(0.1, kkt.rhoY(0.5, 2, shared()));
        double[] rhs = kkt.rhs();
        double[] first = rhs.clone();
        solve(sys, first);
        int size = kkt.mats.n() + kkt.mats.m();
        for (int i = 0; i < size; i++) {
            rhs[i * lanes + 1] *= -3;
        }
        double[] second = rhs.clone();
        solve(sys, second);
        for (int i = 0; i < size; i++) {
            assertEquals(first[i * lanes], second[i * lanes], 1e-12 * (1 + Math.abs(first[i * lanes])));
            assertEquals(-3 * first[i * lanes + 1], second[i * lanes + 1], 1e-9 * (1 + Math.abs(first[i * lanes + 1])));
        }
    }

    /**
     * A system narrowed to some of its lanes ({@link LinearSystem#compact}) solves, and after a new
     * factorization solves again, exactly as the full tile does on those lanes: widths 4, 2 and 1
     * from tiles of 8 and of 6 (the generic width).
     */
    @ParameterizedTest
    @ValueSource(ints = {6, 8})
    void compactedLanesSolveAndRefactorBitForBit(int lanes) {
        int[][] keeps = lanes == 8 ? new int[][] {{1, 3, 4, 6}, {2, 7}, {5}} : new int[][] {{0, 2, 3, 5}, {1, 4}, {3}};
        RandomKkt kkt = RandomKkt.create(101 + lanes, adapt(RandomKkt.Spec.of(18, 30, lanes, 0.3)));
        assertTrue(create(kkt.mats).canCompact());
        for (int[] keep : keeps) {
            LinearSystem wide = create(kkt.mats);
            double[] rhoY = kkt.rhoY(0.5, 3, shared());
            wide.factor(0.1, rhoY);
            wide.solve(kkt.rhs()); // state an iterative solver carries from solve to solve
            LinearSystem narrow = wide.compact(kkt.mats.compact(keep), keep);
            assertSameLanes(wide, narrow, kkt.rhs(), lanes, keep, "solve");
            double[] changed = kkt.rhoY(5.0, 3, shared());
            wide.factor(0.2, changed);
            narrow.factor(0.2, LaneGather.gather(changed, lanes, keep));
            assertSameLanes(wide, narrow, kkt.rhs(), lanes, keep, "after refactoring");
        }
    }

    private static void assertSameLanes(LinearSystem wide, LinearSystem narrow, double[] rhs, int lanes, int[] keep,
                                        String what) {
        double[] w = rhs.clone();
        wide.solve(w);
        double[] nv = LaneGather.gather(rhs, lanes, keep);
        narrow.solve(nv);
        int k = keep.length;
        for (int i = 0; i < rhs.length / lanes; i++) {
            for (int j = 0; j < k; j++) {
                assertEquals(Double.doubleToLongBits(w[i * lanes + keep[j]]), Double.doubleToLongBits(nv[i * k + j]),
                        what + ": row " + i + " of lane " + keep[j] + " kept as " + j + " of " + k);
            }
        }
    }
}
