// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.batch.LaneGather;

/**
 * Per-lane bookkeeping of {@link io.convexlayers.solver.Acceleration#HALPERN}: the anchoring weight of
 * each iteration and when to restart from the current point.
 *
 * <p>After k iterations from its anchor v₀ a lane takes v ← (k+1)/(k+2)·T(v) + 1/(k+2)·v₀. The anchor's
 * pull fades as 1/k, so an old anchor holds the iterate back once it is near the solution; a restart
 * makes the current point the anchor. At each check, with r the fixed-point residual ‖u − ũ‖ of the check
 * iteration and r₀ its value at the first check after the last restart, a lane restarts when
 * r ≤ {@value #SUFFICIENT}·r₀ (enough progress), when r ≤ {@value #NECESSARY}·r₀ and r grew since the last
 * check (progress has stalled), or when its anchor is older than {@value #ARTIFICIAL} of all its
 * iterations (the rules of HPR-LP, Chen, Sun and Toh 2024). A scale change restarts the lane too: the map
 * T has changed.
 */
final class HalpernRestarts {
    /** The iteration's relaxation: Peaceman–Rachford, the reflection whose anchored form converges. */
    static final double RELAXATION = 2.0;
    /** Restart once the residual has fallen to this fraction of the restart's. */
    static final double SUFFICIENT = 0.2;
    /** Restart when the residual has fallen to this fraction and rose since the last check. */
    static final double NECESSARY = 0.8;
    /** Restart when the anchor is older than this fraction of the lane's iterations. */
    static final double ARTIFICIAL = 0.1;

    private int[] sinceRestart;
    private double[] restartResidual;
    private double[] lastResidual;
    private double[] weight;

    HalpernRestarts(int lanes) {
        sinceRestart = new int[lanes];
        restartResidual = new double[lanes];
        lastResidual = new double[lanes];
        weight = new double[0];
        java.util.Arrays.fill(restartResidual, Double.NaN);
    }

    /**
     * Each lane's weight on T(v) for the next {@code rows} anchoring steps, (k+1)/(k+2) with k counting
     * on (row r, lane l at {@code r * lanes + l}); counts those steps. No restart falls inside such a run:
     * restarts happen at checks, and a run ends at one.
     */
    double[] nextWeights(int rows) {
        int lanes = sinceRestart.length;
        if (weight.length < rows * lanes) {
            weight = new double[rows * lanes];
        }
        for (int r = 0; r < rows; r++) {
            for (int l = 0; l < lanes; l++) {
                weight[r * lanes + l] = (sinceRestart[l] + 1.0) / (sinceRestart[l] + 2.0);
                sinceRestart[l]++;
            }
        }
        return weight;
    }

    /**
     * At a check after {@code iters} iterations: the running lanes due for a restart given their
     * fixed-point residuals, or those whose scale changed ({@code changed}, may be null). Restarted
     * lanes count from zero again.
     *
     * @return the lanes to restart from their current point, or null when there are none
     */
    boolean[] restarts(double[] residual, boolean[] done, int iters, boolean[] changed) {
        boolean[] restart = null;
        int lanes = sinceRestart.length;
        for (int l = 0; l < lanes; l++) {
            if (done[l]) {
                continue;
            }
            double r = residual[l];
            boolean due;
            if (changed != null && changed[l]) {
                due = true;
                r = Double.NaN;
            } else if (Double.isNaN(restartResidual[l])) {
                restartResidual[l] = r;
                due = false;
            } else {
                double r0 = restartResidual[l];
                due = r <= SUFFICIENT * r0 || (r <= NECESSARY * r0 && r > lastResidual[l])
                        || sinceRestart[l] >= ARTIFICIAL * iters;
            }
            lastResidual[l] = r;
            if (due) {
                restartResidual[l] = r;
                sinceRestart[l] = 0;
                if (restart == null) {
                    restart = new boolean[lanes];
                }
                restart[l] = true;
            }
        }
        return restart;
    }

    /** The bookkeeping of lanes {@code keep}, for a compacted tile. */
    HalpernRestarts compact(int[] keep) {
        HalpernRestarts c = new HalpernRestarts(keep.length);
        c.sinceRestart = LaneGather.gather(sinceRestart, keep);
        c.restartResidual = LaneGather.gather(restartResidual, sinceRestart.length, keep);
        c.lastResidual = LaneGather.gather(lastResidual, sinceRestart.length, keep);
        return c;
    }
}
