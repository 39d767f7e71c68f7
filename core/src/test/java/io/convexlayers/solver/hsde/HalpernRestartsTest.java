// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The anchoring weights and each restart rule of {@link HalpernRestarts}, lane by lane. */
class HalpernRestartsTest {

    /** Takes {@code count} anchoring steps one at a time and returns the last weights of {@code lanes} lanes. */
    private static double[] steps(HalpernRestarts h, int count, int lanes) {
        double[] w = null;
        for (int i = 0; i < count; i++) {
            w = java.util.Arrays.copyOf(h.nextWeights(1), lanes);
        }
        return w;
    }

    @Test
    void theWeightsAreHalpernsAndFadeAsOneOverK() {
        HalpernRestarts h = new HalpernRestarts(2);
        assertArrayEquals(new double[] {0.5, 0.5}, java.util.Arrays.copyOf(h.nextWeights(1), 2));
        assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3}, java.util.Arrays.copyOf(h.nextWeights(1), 2), 0);
        double[] w = steps(h, 8, 1);
        assertEquals(10.0 / 11, w[0], 0, "after ten steps the anchor weighs 1/11");
        // A run staged at once holds the weights of the steps one at a time, row by row.
        HalpernRestarts a = new HalpernRestarts(2);
        HalpernRestarts b = new HalpernRestarts(2);
        double[] run = java.util.Arrays.copyOf(a.nextWeights(4), 8);
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(java.util.Arrays.copyOf(b.nextWeights(1), 2), java.util.Arrays.copyOfRange(run, 2 * r, 2 * r + 2), 0);
        }
    }

    @Test
    void theFirstCheckOnlyRecordsTheResidual() {
        HalpernRestarts h = new HalpernRestarts(1);
        steps(h, 10, 1);
        assertNull(h.restarts(new double[] {1.0}, new boolean[1], 10, null));
    }

    @Test
    void enoughProgressRestarts() {
        HalpernRestarts h = new HalpernRestarts(2);
        boolean[] done = new boolean[2];
        steps(h, 10, 1);
        h.restarts(new double[] {1.0, 1.0}, done, 10, null);
        steps(h, 10, 1);
        // Lane 0 fell to 0.2 of its restart residual, lane 1 only to 0.5 and still falling.
        boolean[] r = h.restarts(new double[] {HalpernRestarts.SUFFICIENT, 0.5}, done, 1000, null);
        assertTrue(r[0]);
        assertFalse(r[1]);
        assertArrayEquals(new double[] {0.5, 21.0 / 22}, java.util.Arrays.copyOf(h.nextWeights(1), 2), 1e-15,
                "lane 0 counts from its restart");
    }

    @Test
    void aStalledResidualRestartsOnlyBelowTheNecessaryFraction() {
        HalpernRestarts h = new HalpernRestarts(2);
        boolean[] done = new boolean[2];
        h.restarts(new double[] {1.0, 1.0}, done, 10, null);
        h.restarts(new double[] {0.5, 0.85}, done, 20, null);
        // Both rose since the last check; lane 0 is below 0.8 of the restart residual, lane 1 is not.
        boolean[] r = h.restarts(new double[] {0.6, 0.9}, done, 30, null);
        assertTrue(r[0]);
        assertFalse(r[1]);
    }

    @Test
    void anOldAnchorRestarts() {
        HalpernRestarts h = new HalpernRestarts(1);
        boolean[] done = new boolean[1];
        h.restarts(new double[] {1.0}, done, 100, null);
        steps(h, 9, 1);
        assertNull(h.restarts(new double[] {0.99}, done, 100, null), "9 steps of 100 iterations: young");
        steps(h, 1, 1);
        assertTrue(h.restarts(new double[] {0.98}, done, 100, null)[0],
                "10 steps is " + HalpernRestarts.ARTIFICIAL + " of 100 iterations");
    }

    @Test
    void aScaleChangeRestartsAndTheNextCheckRecordsAfresh() {
        HalpernRestarts h = new HalpernRestarts(2);
        boolean[] done = new boolean[2];
        h.restarts(new double[] {1.0, 1.0}, done, 10, null);
        boolean[] r = h.restarts(new double[] {0.9, 0.9}, done, 20, new boolean[] {false, true});
        assertFalse(r[0]);
        assertTrue(r[1]);
        // Lane 1's next residual is its new reference, whatever it is.
        boolean[] next = h.restarts(new double[] {0.9, 5.0}, done, 30, null);
        assertNull(next);
    }

    @Test
    void finishedLanesAreLeftAlone() {
        HalpernRestarts h = new HalpernRestarts(2);
        h.restarts(new double[] {1.0, 1.0}, new boolean[2], 10, null);
        assertNull(h.restarts(new double[] {0.01, 0.5}, new boolean[] {true, false}, 20, null));
    }

    @Test
    void compactionKeepsEachLanesBookkeeping() {
        HalpernRestarts h = new HalpernRestarts(3);
        boolean[] done = new boolean[3];
        h.restarts(new double[] {1.0, 2.0, 4.0}, done, 10, null);
        steps(h, 5, 1);
        HalpernRestarts c = h.compact(new int[] {0, 2});
        assertArrayEquals(new double[] {6.0 / 7, 6.0 / 7}, java.util.Arrays.copyOf(c.nextWeights(1), 2), 1e-15);
        // Lane 2's restart residual (4) moved with it: 0.8 is 0.2 of it.
        boolean[] r = c.restarts(new double[] {0.5, 0.8}, new boolean[2], 1000, null);
        assertFalse(r[0]);
        assertTrue(r[1]);
    }
}
