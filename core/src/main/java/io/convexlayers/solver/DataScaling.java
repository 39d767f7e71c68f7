// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import java.util.Arrays;

/**
 * The diagonal scaling of the data a batch's instances were solved with, where the solver records it
 * (the interior-point method's lock-step tiles and the CPU's first-order tiles, with equilibration on):
 * per instance b, row factors D (m), column factors E (n) and the cost scale σ, so that Â = D·A·E,
 * P̂ = σ·E·P·E, b̂ = D·b, ĉ = σ·E·c. The first-order method scales b and c jointly instead of the cost and
 * records σ as NaN: a user of the scaling then takes the cost scale from the scaled data itself. The
 * derivative's active KKT matrix reuses the scaling instead of equilibrating the same data again.
 * Instances the recording solver did not finish (handed to another solver) have none. Arrays are batch-minor (entry i of instance b at
 * {@code i·batch + b}); written by the solver's tiles, each its own instances, then read only.
 */
public final class DataScaling {
    private final int batch;
    private final int n;
    private final int m;
    private final double[] d;
    private final double[] e;
    private final double[] cost;
    private final boolean[] recorded;

    DataScaling(int batch, int n, int m) {
        this.batch = batch;
        this.n = n;
        this.m = m;
        d = new double[m * batch];
        e = new double[n * batch];
        cost = new double[batch];
        recorded = new boolean[batch];
    }

    /** Whether instance b's scaling was recorded. */
    public boolean recorded(int b) {
        return recorded[b];
    }

    /**
     * Records instance b's scaling from lane {@code lane} of a tile's batch-minor factors
     * ({@code lanes} lanes: D's row i at {@code i·lanes + lane}, E's column j likewise).
     */
    void record(int b, double[] tileD, double[] tileE, double costScale, int lane, int lanes) {
        for (int i = 0; i < m; i++) {
            d[i * batch + b] = tileD[i * lanes + lane];
        }
        for (int j = 0; j < n; j++) {
            e[j * batch + b] = tileE[j * lanes + lane];
        }
        cost[b] = costScale;
        recorded[b] = true;
    }

    /**
     * Copies the scaling of instances {@code first …} into a tile of {@code lanes} lanes (batch-minor; lanes
     * past the batch's end repeat its last instance, as the data's tiles do), when every one of them was
     * recorded.
     *
     * @return false, with the outputs untouched, when some instance of the tile has no recorded scaling
     */
    public boolean copyTile(int first, int lanes, double[] tileD, double[] tileE, double[] tileCost) {
        int[] instance = new int[lanes];
        for (int l = 0; l < lanes; l++) {
            instance[l] = Math.min(first + l, batch - 1);
            if (!recorded[instance[l]]) {
                return false;
            }
        }
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < lanes; l++) {
                tileD[i * lanes + l] = d[i * batch + instance[l]];
            }
        }
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < lanes; l++) {
                tileE[j * lanes + l] = e[j * batch + instance[l]];
            }
        }
        for (int l = 0; l < lanes; l++) {
            tileCost[l] = cost[instance[l]];
        }
        return true;
    }

    @Override
    public String toString() {
        int count = 0;
        for (boolean r : recorded) {
            count += r ? 1 : 0;
        }
        return "DataScaling[" + count + " of " + batch + " instances; σ " + Arrays.toString(
                Arrays.copyOf(cost, Math.min(batch, 4))) + (batch > 4 ? "…]" : "]");
    }
}
