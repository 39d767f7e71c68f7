// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;


/**
 * Adaptive dual scale (DESIGN §4): accumulates log(relative primal residual / relative dual
 * residual) at every check and, at least {@link #MIN_ITERS_BETWEEN} iterations after the last
 * change, multiplies the scale by the square root of the ratio's geometric mean when that root
 * leaves [1/√10, √10]. A larger scale speeds up the primal residual. With a shared factorization
 * all live lanes decide together from their pooled ratios.
 */
final class ScaleController {
    static final int MIN_ITERS_BETWEEN = 100;
    static final double MIN_SCALE = 1e-6;
    static final double MAX_SCALE = 1e6;
    private static final double TINY = 1e-18;
    private static final double THRESHOLD = Math.sqrt(10);

    private final int lanes;
    private final boolean shared;
    private final double[] scale;
    private final double[] logSum;
    private final int[] count;
    private final int[] lastChange;
    private final boolean[] changed;

    ScaleController(int lanes, boolean shared, double initial) {
        this.lanes = lanes;
        this.shared = shared;
        this.scale = new double[lanes];
        this.logSum = new double[lanes];
        this.count = new int[lanes];
        this.lastChange = new int[lanes];
        this.changed = new boolean[lanes];
        java.util.Arrays.fill(scale, initial);
    }

    /** The controller of lanes {@code keep} only, their records carried over. */
    ScaleController compact(int[] keep) {
        ScaleController out = new ScaleController(keep.length, shared, 0);
        for (int j = 0; j < keep.length; j++) {
            int l = keep[j];
            out.scale[j] = scale[l];
            out.logSum[j] = logSum[l];
            out.count[j] = count[l];
            out.lastChange[j] = lastChange[l];
            out.changed[j] = changed[l];
        }
        return out;
    }

    double[] scale() {
        return scale;
    }

    /** The lanes whose scale the last {@link #update} changed. */
    boolean[] changed() {
        return changed;
    }

    /** Records one check; returns true when the scale of some lane changed. */
    boolean update(double[] st, boolean[] done, int iteration) {
        java.util.Arrays.fill(changed, false);
        for (int l = 0; l < lanes; l++) {
            if (done[l]) {
                continue;
            }
            int o = l * ResidualStats.WIDTH;
            double relP = st[o + ResidualStats.PRIMAL_RES] / Math.max(st[o + ResidualStats.PRIMAL_SCALE], TINY);
            double relD = st[o + ResidualStats.DUAL_RES] / Math.max(st[o + ResidualStats.DUAL_SCALE], TINY);
            double r = Math.log(Math.max(relP, TINY) / Math.max(relD, TINY));
            if (Double.isFinite(r)) {
                logSum[l] += r;
                count[l]++;
            }
        }
        return shared ? updateShared(done, iteration) : updatePerLane(done, iteration);
    }

    private boolean updatePerLane(boolean[] done, int iteration) {
        boolean any = false;
        for (int l = 0; l < lanes; l++) {
            if (done[l] || count[l] == 0 || iteration - lastChange[l] < MIN_ITERS_BETWEEN) {
                continue;
            }
            double factor = Math.sqrt(Math.exp(logSum[l] / count[l]));
            if (factor > THRESHOLD || factor < 1 / THRESHOLD) {
                double next = Math.min(Math.max(scale[l] * factor, MIN_SCALE), MAX_SCALE);
                logSum[l] = 0;
                count[l] = 0;
                lastChange[l] = iteration;
                if (next != scale[l]) {
                    scale[l] = next;
                    changed[l] = true;
                    any = true;
                }
            }
        }
        return any;
    }

    private boolean updateShared(boolean[] done, int iteration) {
        double sum = 0;
        int cnt = 0;
        for (int l = 0; l < lanes; l++) {
            if (!done[l]) {
                sum += logSum[l];
                cnt += count[l];
            }
        }
        if (cnt == 0 || iteration - lastChange[0] < MIN_ITERS_BETWEEN) {
            return false;
        }
        double factor = Math.sqrt(Math.exp(sum / cnt));
        if (!(factor > THRESHOLD || factor < 1 / THRESHOLD)) {
            return false;
        }
        double next = Math.min(Math.max(scale[0] * factor, MIN_SCALE), MAX_SCALE);
        java.util.Arrays.fill(logSum, 0);
        java.util.Arrays.fill(count, 0);
        java.util.Arrays.fill(lastChange, iteration);
        if (next == scale[0]) {
            return false;
        }
        java.util.Arrays.fill(scale, next);
        java.util.Arrays.fill(changed, true);
        return true;
    }
}
