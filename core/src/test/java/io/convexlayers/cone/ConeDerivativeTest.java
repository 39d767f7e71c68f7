// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's own contract; the mathematics is checked by {@link ConeContractTest}. */
class ConeDerivativeTest {
    private static final ConeDims MIXED = ConeProjectorTest.MIXED;

    private static double[] randomTile(int lanes, Random rng) {
        double[] v = new double[MIXED.rows() * lanes];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    @Test
    void zeroRowsAreZeroForKAndIdentityForKStar() {
        double[] v = randomTile(1, new Random(1));
        ConeDerivative der = new ConeDerivative(MIXED, 1);
        der.linearizeAt(v, 0, false);
        assertFalse(der.isDual());
        double[] jac = der.denseJacobian(0);
        int m = MIXED.rows();
        for (int r = 0; r < MIXED.zero(); r++) {
            for (int c = 0; c < m; c++) {
                assertEquals(0.0, jac[r * m + c]);
            }
        }
        der.linearizeAt(v, 0, true);
        assertTrue(der.isDual());
        jac = der.denseJacobian(0);
        for (int r = 0; r < MIXED.zero(); r++) {
            for (int c = 0; c < m; c++) {
                assertEquals(r == c ? 1.0 : 0.0, jac[r * m + c]);
            }
        }
    }

    @Test
    void nonnegDiagonalTakesOneHalfAtZero() {
        ConeDims dims = ConeDims.builder().nonneg(3).build();
        ConeDerivative der = new ConeDerivative(dims, 1);
        der.linearizeAt(new double[] {2, 0, -1}, 0, false);
        assertArrayEquals(new double[] {1, 0, 0, 0, 0.5, 0, 0, 0, 0}, der.denseJacobian(0), 0.0);
    }

    @Test
    void socClosedFormAtOnePoint() {
        // (t, x) = (1, (3, 4)): ν = 5, ẑ = (0.6, 0.8), t/ν = 0.2
        ConeDims dims = ConeDims.builder().soc(3).build();
        ConeDerivative der = new ConeDerivative(dims, 1);
        der.linearizeAt(new double[] {1, 3, 4}, 0, false);
        double c = 0.5 * 1.2;
        double d = -0.1;
        double[] expected = {
            0.5, 0.3, 0.4,
            0.3, c + d * 0.36, d * 0.48,
            0.4, d * 0.48, c + d * 0.64};
        assertArrayEquals(expected, der.denseJacobian(0), 1e-15);
    }

    @Test
    void psdJacobianActsOnEigenvectorPairsByTheWeights() {
        // X = diag(2, −1): on the off-diagonal pair the weight is 2/(2 + 1); diagonal entries 1, 0
        ConeDims dims = ConeDims.builder().psd(2).build();
        ConeDerivative der = new ConeDerivative(dims, 1);
        der.linearizeAt(new double[] {2, 0, -1}, 0, false);
        assertArrayEquals(new double[] {1, 0, 0, 0, 2.0 / 3, 0, 0, 0, 0}, der.denseJacobian(0), 1e-15);
    }

    @Test
    void denseJacobianAgreesWithApplyAndTheBlocks() {
        Random rng = new Random(5);
        int lanes = 3;
        int m = MIXED.rows();
        for (int trial = 0; trial < 10; trial++) {
            double[] v = randomTile(lanes, rng);
            double[] d = randomTile(lanes, rng);
            for (boolean dual : new boolean[] {false, true}) {
                ConeDerivative der = new ConeDerivative(MIXED, lanes);
                der.linearizeAt(v, 0, dual);
                double[] out = new double[m * lanes];
                der.apply(d, 0, out, 0);
                double[] outT = new double[m * lanes];
                der.applyTranspose(d, 0, outT, 0);
                List<BlockDerivative> blocks = ConeContractTest.linearize(ConeBlocks.of(MIXED, lanes), v, 0, dual);
                double[] expected = new double[m * lanes];
                ConeContractTest.apply(blocks, d, 0, expected, 0, false);
                assertArrayEquals(expected, out, 0.0, "apply is the loop over the blocks");
                ConeContractTest.apply(blocks, d, 0, expected, 0, true);
                assertArrayEquals(expected, outT, 0.0, "applyTranspose is the loop over the blocks");
                for (int l = 0; l < lanes; l++) {
                    double[] jac = der.denseJacobian(l);
                    for (int i = 0; i < m; i++) {
                        double dense = 0;
                        for (int j = 0; j < m; j++) {
                            dense += jac[i * m + j] * d[j * lanes + l];
                        }
                        assertEquals(dense, out[i * lanes + l], 1e-13, "row " + i + " lane " + l);
                    }
                }
            }
        }
    }

    @Test
    void diagonalRowsAndBlockBoundsFollowTheBlocks() {
        ConeDerivative der = new ConeDerivative(MIXED, 2);
        int diag = MIXED.zero() + MIXED.nonneg();
        assertEquals(diag, der.diagonalRows());
        List<Integer> expected = new ArrayList<>();
        expected.add(diag);
        for (ConeBlock block : ConeBlocks.of(MIXED, 1)) {
            int[] bounds = block.coneBounds();
            for (int k = 1; !block.elementwise() && k < bounds.length; k++) {
                expected.add(bounds[k]);
            }
        }
        List<Integer> got = new ArrayList<>();
        for (int b : der.blockBounds()) {
            got.add(b);
        }
        assertEquals(expected, got);
        assertEquals(MIXED.rows(), got.get(got.size() - 1));
        // 3 + 1 + 4 SOC rows, PSD 1 and 3 (6 rows), 3 exp, 3 power triples: one bound each
        assertEquals(3 + 2 + 3 + 3 + 1, got.size());

        double[] v = new double[MIXED.rows() * 2];
        v[MIXED.nonnegStart() * 2] = 1;          // lane 0 of the first nonneg row: inside
        v[(MIXED.nonnegStart() + 1) * 2 + 1] = -1; // lane 1 of the second: outside
        der.linearizeAt(v, 0, true);
        assertEquals(1.0, der.diagonal(0, 0));     // zero rows are free for K*
        assertEquals(1.0, der.diagonal(MIXED.nonnegStart(), 0));
        assertEquals(0.5, der.diagonal(MIXED.nonnegStart(), 1));
        assertEquals(0.0, der.diagonal(MIXED.nonnegStart() + 1, 1));
        assertThrows(IllegalArgumentException.class, () -> der.diagonal(diag, 0));
        der.linearizeAt(v, 0, false);
        assertEquals(0.0, der.diagonal(1, 1));     // and zero for K
    }

    @Test
    void usageErrors() {
        ConeDerivative der = new ConeDerivative(MIXED, 2);
        double[] d = new double[MIXED.rows() * 2];
        assertThrows(IllegalStateException.class, () -> der.apply(d, 0, d.clone(), 0));
        assertThrows(IllegalArgumentException.class, () -> new ConeDerivative(MIXED, 0));
        assertThrows(IllegalArgumentException.class, () -> new ConeDerivative(null, 1));
        der.linearizeAt(d, 0, true);
        assertThrows(IllegalArgumentException.class, () -> der.denseJacobian(2));
        assertEquals(2, der.lanes());
        assertEquals(MIXED, der.dims());
    }

    @Test
    void linearizeAndApplyDoNotAllocate() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int lanes = 8;
        ConeDerivative der = new ConeDerivative(MIXED, lanes);
        Random rng = new Random(3);
        double[] v = randomTile(lanes, rng);
        double[] d = randomTile(lanes, rng);
        double[] out = new double[d.length];
        for (int i = 0; i < 200; i++) {   // warm up
            der.linearizeAt(v, 0, (i & 1) == 0);
            der.apply(d, 0, out, 0);
            der.applyTranspose(d, 0, out, 0);
        }
        long before = bean.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 200; i++) {
            der.linearizeAt(v, 0, (i & 1) == 0);
            der.apply(d, 0, out, 0);
            der.applyTranspose(d, 0, out, 0);
        }
        long allocated = bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(allocated < 2000, "allocated " + allocated + " bytes");
    }
}
