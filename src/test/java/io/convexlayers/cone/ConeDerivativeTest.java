package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
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
