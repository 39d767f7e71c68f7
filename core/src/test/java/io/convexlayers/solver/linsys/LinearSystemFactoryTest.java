// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.InvalidSettingsException;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.data.SparsePattern;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearSystemFactoryTest {

    /** A = [I; I] (n × n identity blocks), P = I: reduced matrix diagonal, KKT factor tiny. */
    private static TileMatrices identityBlocks(int n, int lanes, boolean shared) {
        int[] cs = new int[n + 1];
        int[] ri = new int[2 * n];
        for (int j = 0; j < n; j++) {
            cs[j + 1] = 2 * (j + 1);
            ri[2 * j] = j;
            ri[2 * j + 1] = n + j;
        }
        SparsePattern a = new SparsePattern("A", 2 * n, n, cs, ri);
        int[] pcs = new int[n + 1];
        int[] pri = new int[n];
        for (int j = 0; j < n; j++) {
            pcs[j + 1] = j + 1;
            pri[j] = j;
        }
        SparsePattern p = new SparsePattern("P", n, n, pcs, pri);
        double[] av = new double[a.nnz() * (shared ? 1 : lanes)];
        Arrays.fill(av, 1.0);
        double[] pv = new double[n * (shared ? 1 : lanes)];
        Arrays.fill(pv, 2.0);
        return new TileMatrices(a, av, shared, p, pv, shared, lanes);
    }

    @Test
    void sharedNeedsSharedMatrices() {
        RandomKkt kkt = RandomKkt.create(1, RandomKkt.Spec.of(6, 8, 3, 0.4));
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> LinearSystemFactory.create(LinearSystemKind.SHARED, kkt.mats));
        assertTrue(e.getMessage().contains("linearSystem"), e.getMessage());
        assertTrue(e.getMessage().contains("SHARED"), e.getMessage());
    }

    @Test
    void sharedPicksDenseForDenseAndSparseForSparseStructure() {
        RandomKkt dense = RandomKkt.create(2, RandomKkt.Spec.of(40, 80, 8, 0.5).shared());
        LinearSystem d = LinearSystemFactory.create(LinearSystemKind.SHARED, dense.mats);
        assertEquals("shared-dense-cholesky", d.name());
        assertTrue(d.sharedFactor());
        LinearSystem s = LinearSystemFactory.create(LinearSystemKind.SHARED, identityBlocks(300, 8, true));
        assertEquals("shared-sparse-ldl", s.name());
        assertTrue(s.sharedFactor());
        LinearSystem big = LinearSystemFactory.create(LinearSystemKind.SHARED, identityBlocks(1200, 2, true));
        assertEquals("shared-sparse-ldl", big.name());
    }

    @Test
    void explicitKinds() {
        RandomKkt kkt = RandomKkt.create(3, RandomKkt.Spec.of(10, 12, 3, 0.4));
        assertEquals("dense-cholesky", LinearSystemFactory.create(LinearSystemKind.DENSE, kkt.mats).name());
        assertEquals("sparse-ldl", LinearSystemFactory.create(LinearSystemKind.SPARSE, kkt.mats).name());
        assertEquals("cg", LinearSystemFactory.create(LinearSystemKind.CG, kkt.mats).name());
        for (LinearSystemKind k : new LinearSystemKind[] {LinearSystemKind.DENSE, LinearSystemKind.SPARSE,
                LinearSystemKind.CG}) {
            assertFalse(LinearSystemFactory.create(k, kkt.mats).sharedFactor());
        }
        RandomKkt sharedKkt = RandomKkt.create(4, RandomKkt.Spec.of(10, 12, 3, 0.4).shared());
        assertEquals("dense-cholesky", LinearSystemFactory.create(LinearSystemKind.DENSE, sharedKkt.mats).name());
    }

    @Test
    void autoRules() {
        RandomKkt shared = RandomKkt.create(5, RandomKkt.Spec.of(30, 50, 8, 0.3).shared());
        assertTrue(LinearSystemFactory.create(LinearSystemKind.AUTO, shared.mats).sharedFactor());
        RandomKkt small = RandomKkt.create(6, RandomKkt.Spec.of(50, 100, 8, 0.5));
        assertEquals("dense-cholesky", LinearSystemFactory.create(LinearSystemKind.AUTO, small.mats).name());
        assertEquals("sparse-ldl",
                LinearSystemFactory.create(LinearSystemKind.AUTO, identityBlocks(150, 8, false)).name());
        RandomKkt large = RandomKkt.create(7, RandomKkt.Spec.of(LinearSystemFactory.AUTO_DENSE_MAX_N + 1, 20, 2, 0.01));
        assertEquals("sparse-ldl", LinearSystemFactory.create(LinearSystemKind.AUTO, large.mats).name());
    }

    /**
     * Polishing factors once and solves a few times: the dense factor for small dense matrices (also
     * shared ones: the weights differ per lane), the sparse one for sparse or large matrices.
     */
    @Test
    void fewSolvesRules() {
        RandomKkt small = RandomKkt.create(9, RandomKkt.Spec.of(40, 80, 8, 0.5));
        assertEquals(LinearSystemKind.DENSE, LinearSystemFactory.kindForFewSolves(small.mats, 9));
        RandomKkt shared = RandomKkt.create(10, RandomKkt.Spec.of(40, 80, 8, 0.5).shared());
        assertEquals(LinearSystemKind.DENSE, LinearSystemFactory.kindForFewSolves(shared.mats, 9));
        assertEquals(LinearSystemKind.DENSE, LinearSystemFactory.kindForFewSolves(
                TileMatrices.structureOf(small.mats.aPattern(), small.mats.pPattern()), 9), "structure alone");
        assertEquals(LinearSystemKind.SPARSE, LinearSystemFactory.kindForFewSolves(identityBlocks(150, 8, false), 9));
        RandomKkt large = RandomKkt.create(11, RandomKkt.Spec.of(LinearSystemFactory.AUTO_DENSE_MAX_N + 1, 20, 2, 0.5));
        assertEquals(LinearSystemKind.SPARSE, LinearSystemFactory.kindForFewSolves(large.mats, 9));
    }

    @Test
    void everyChoiceSolves() {
        RandomKkt kkt = RandomKkt.create(8, RandomKkt.Spec.of(12, 15, 3, 0.3).shared());
        double[] rhoY = kkt.rhoY(0.5, 2, true);
        double[] rhs = kkt.rhs();
        for (LinearSystemKind k : LinearSystemKind.values()) {
            LinearSystem sys = LinearSystemFactory.create(k, kkt.mats);
            sys.factor(0.1, rhoY);
            double[] sol = rhs.clone();
            sys.solve(sol);
            for (int l = 0; l < 3; l++) {
                assertTrue(kkt.relativeResidual(l, 0.1, rhoY, rhs, sol) <= 1e-10, k + " lane " + l);
            }
        }
    }
}
