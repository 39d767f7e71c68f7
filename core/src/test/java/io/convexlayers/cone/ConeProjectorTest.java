// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.Tiles;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every family at once, in {@link ConeDims} row order, through one projector. */
class ConeProjectorTest extends ConeContractTest {
    static final ConeDims MIXED = ConeDims.builder().zero(2).nonneg(3).soc(3, 1, 4).psd(1, 3).exp(2).dualExp(1)
            .power(0.3, -0.6, 0.99).build();

    @Override
    protected ConeDims dims() {
        return MIXED;
    }

    @Override
    protected List<double[]> specialPoints(Random rng) {
        List<double[]> exp = ExpConeTest.specialTriples();
        List<double[]> pow = PowerConeTest.specialTriples();
        int rows = MIXED.rows();
        List<double[]> list = new ArrayList<>();
        list.add(new double[rows]);
        for (int i = 0; i < 30; i++) {
            double[] v = randomPoint(rng);
            int row = MIXED.expStart();
            for (int c = 0; c < MIXED.exp() + MIXED.dualExp(); c++, row += 3) {
                System.arraycopy(exp.get((i + 5 * c) % exp.size()), 0, v, row, 3);
            }
            row = MIXED.powerStart();
            for (int c = 0; c < MIXED.power().length; c++, row += 3) {
                System.arraycopy(pow.get((i + 4 * c) % pow.size()), 0, v, row, 3);
            }
            // an SOC boundary point and a PSD block with mixed-sign eigenvalues
            int soc = MIXED.socStart();
            v[soc] = Math.hypot(v[soc + 1], v[soc + 2]);
            double[] psd = PsdConeTest.svecWithSpectrum(new double[] {2, -1, 0.5}, rng);
            System.arraycopy(psd, 0, v, MIXED.psdStart() + 1, psd.length);
            list.add(v);
        }
        return list;
    }

    @Test
    void zeroRowsAreZeroedInKAndFreeInKStar() {
        double[] v = randomPoint(new Random(1));
        double[] p = project(v, false);
        double[] d = project(v, true);
        for (int r = 0; r < MIXED.zero(); r++) {
            assertEquals(0.0, p[r]);
            assertEquals(v[r], d[r]);
        }
    }

    @Test
    void blocksDispatchToTheirFamilies() {
        Random rng = new Random(2);
        for (int trial = 0; trial < 20; trial++) {
            double[] v = randomPoint(rng);
            double[] p = project(v, false);
            double[] d = project(v, true);
            int row = MIXED.expStart();
            assertArrayEquals(ExpCone.project(v[row], v[row + 1], v[row + 2]), slice(p, row), 0.0);
            assertArrayEquals(ExpCone.projectDual(v[row], v[row + 1], v[row + 2]), slice(d, row), 0.0);
            row = MIXED.dualExpStart();
            assertArrayEquals(ExpCone.projectDual(v[row], v[row + 1], v[row + 2]), slice(p, row), 0.0);
            assertArrayEquals(ExpCone.project(v[row], v[row + 1], v[row + 2]), slice(d, row), 0.0);
            row = MIXED.powerStart();
            assertArrayEquals(PowerCone.project(v[row], v[row + 1], v[row + 2], 0.3), slice(p, row), 0.0);
            assertArrayEquals(PowerCone.projectDual(v[row], v[row + 1], v[row + 2], 0.3), slice(d, row), 0.0);
            row += 3;   // α = −0.6: the block is K*_{0.6}
            assertArrayEquals(PowerCone.projectDual(v[row], v[row + 1], v[row + 2], 0.6), slice(p, row), 0.0);
            assertArrayEquals(PowerCone.project(v[row], v[row + 1], v[row + 2], 0.6), slice(d, row), 0.0);
        }
    }

    private static double[] slice(double[] v, int row) {
        return new double[] {v[row], v[row + 1], v[row + 2]};
    }

    @Test
    void projectorIsTheLoopOverTheBlocks() {
        Random rng = new Random(4);
        int lanes = 5;
        for (int trial = 0; trial < 10; trial++) {
            double[][] perLane = new double[lanes][];
            for (int l = 0; l < lanes; l++) {
                perLane[l] = randomPoint(rng);
            }
            for (boolean dual : new boolean[] {false, true}) {
                double[] tile = Tiles.pack(perLane, 3, 2);
                double[] expected = tile.clone();
                ConeContractTest.project(ConeBlocks.of(MIXED, lanes), expected, 3, dual);
                ConeProjector projector = new ConeProjector(MIXED, lanes);
                if (dual) {
                    projector.projectDual(tile, 3);
                } else {
                    projector.projectPrimal(tile, 3);
                }
                assertArrayEquals(expected, tile, 0.0);
            }
        }
    }

    @Test
    void projectionsDoNotAllocate() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int lanes = 8;
        ConeProjector projector = new ConeProjector(MIXED, lanes);
        Random rng = new Random(3);
        double[] tile = new double[MIXED.rows() * lanes];
        double[] work = tile.clone();
        for (int i = 0; i < tile.length; i++) {
            tile[i] = rng.nextGaussian();
        }
        for (int i = 0; i < 200; i++) {   // warm up
            System.arraycopy(tile, 0, work, 0, tile.length);
            projector.projectPrimal(work, 0);
            projector.projectDual(work, 0);
        }
        long before = bean.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 200; i++) {
            System.arraycopy(tile, 0, work, 0, tile.length);
            projector.projectPrimal(work, 0);
            projector.projectDual(work, 0);
        }
        long allocated = bean.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertTrue(allocated < 2000, "allocated " + allocated + " bytes in 400 projections");
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ConeProjector(MIXED, 0));
        assertThrows(IllegalArgumentException.class, () -> new ConeProjector(null, 1));
        ConeProjector p = new ConeProjector(MIXED, 3);
        assertEquals(MIXED, p.dims());
        assertEquals(3, p.lanes());
    }
}
