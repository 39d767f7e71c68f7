// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.InvalidProblemException;
import io.convexlayers.data.BatchArray;

/**
 * Starting points for a batched solve: per instance a previous (x, y, s), e.g. the last solution of
 * the same layer in a training loop, held batch-minor like the solution it came from (no copy).
 * Instances whose flag is off start cold. Immutable.
 */
public final class WarmStart {
    private final BatchArray x;
    private final BatchArray y;
    private final BatchArray s;
    private final boolean[] warm;

    /**
     * Starting points for a batch.
     *
     * @param x    n entries per instance (batch-minor or shared)
     * @param y    m entries per instance
     * @param s    m entries per instance
     * @param warm per-instance flag: start from (x, y, s); null means every instance
     * @throws InvalidProblemException when a part is missing or the batch sizes differ
     */
    public WarmStart(BatchArray x, BatchArray y, BatchArray s, boolean[] warm) {
        if (x == null || y == null || s == null) {
            throw new InvalidProblemException("warmStart", "x, y and s must all be given");
        }
        int batch = x.batch();
        if (y.batch() != batch || s.batch() != batch || (warm != null && warm.length != batch)) {
            throw new InvalidProblemException("warmStart", "x, y, s and the flags must cover the same instances, got "
                    + batch + ", " + y.batch() + ", " + s.batch()
                    + (warm == null ? "" : " and " + warm.length) + " instances");
        }
        this.x = x;
        this.y = y;
        this.s = s;
        if (warm == null) {
            this.warm = new boolean[batch];
            java.util.Arrays.fill(this.warm, true);
        } else {
            this.warm = warm.clone();
        }
    }

    /** Warm start every instance of a batch that has a solution from a previous batched solution. */
    public static WarmStart from(BatchSolution previous) {
        boolean[] flags = new boolean[previous.batch()];
        for (int b = 0; b < flags.length; b++) {
            flags[b] = previous.status(b).hasSolution();
        }
        return new WarmStart(previous.x(), previous.y(), previous.s(), flags);
    }

    /** Warm start a single instance. */
    public static WarmStart of(double[] x, double[] y, double[] s) {
        if (x == null || y == null || s == null) {
            throw new InvalidProblemException("warmStart", "x, y and s must all be given");
        }
        return new WarmStart(BatchArray.batchMinor(x.length, 1, x.clone()), BatchArray.batchMinor(y.length, 1,
                y.clone()), BatchArray.batchMinor(s.length, 1, s.clone()), null);
    }

    /** Number of instances covered. */
    public int batch() {
        return warm.length;
    }

    /** True when instance {@code b} starts from (x, y, s). */
    public boolean isWarm(int b) {
        return warm[b];
    }

    /**
     * Checks the warm start against a batch of size {@code batch} with n variables and m rows: sizes,
     * and finite values for every warm instance.
     *
     * @throws InvalidProblemException naming the field, the entry and the instance
     */
    public void validate(int batch, int n, int m) {
        if (warm.length != batch) {
            throw new InvalidProblemException("warmStart", "has " + warm.length + " instances, batch has " + batch);
        }
        checkLength("warmStart.x", x, n);
        checkLength("warmStart.y", y, m);
        checkLength("warmStart.s", s, m);
        for (int b = 0; b < batch; b++) {
            if (warm[b]) {
                requireFinite("warmStart.x", x, b);
                requireFinite("warmStart.y", y, b);
                requireFinite("warmStart.s", s, b);
            }
        }
    }

    private static void checkLength(String name, BatchArray arr, int length) {
        if (arr.length() != length) {
            throw new InvalidProblemException(name, "has " + arr.length() + " entries per instance, expected "
                    + length);
        }
    }

    private static void requireFinite(String name, BatchArray arr, int b) {
        for (int i = 0; i < arr.length(); i++) {
            double v = arr.get(i, b);
            if (!Double.isFinite(v)) {
                throw new InvalidProblemException(name + "[" + i + "]", "not finite (" + v + ") of instance " + b);
            }
        }
    }

    /**
     * The starting points of instances {@code [first, first + live)} laid out for a batch of
     * {@code lanes} lanes: per-lane flags and batch-minor x (n × lanes), y and s (m × lanes), as
     * the iteration takes them. Lanes past {@code live}, and instances without a
     * starting point, start cold.
     */
    public Lanes lanes(int first, int lanes, int live, int n, int m) {
        boolean[] flags = new boolean[lanes];
        double[] wx = new double[n * lanes];
        double[] wy = new double[m * lanes];
        double[] ws = new double[m * lanes];
        for (int l = 0; l < live; l++) {
            int b = first + l;
            if (!warm[b]) {
                continue;
            }
            flags[l] = true;
            copyLane(x, b, wx, l, lanes);
            copyLane(y, b, wy, l, lanes);
            copyLane(s, b, ws, l, lanes);
        }
        return new Lanes(flags, wx, wy, ws);
    }

    private static void copyLane(BatchArray src, int b, double[] dst, int lane, int lanes) {
        for (int i = 0; i < src.length(); i++) {
            dst[i * lanes + lane] = src.get(i, b);
        }
    }

    /**
     * Starting points of one batch of lanes.
     *
     * @param warm per-lane flag: start from (x, y, s)
     * @param x    batch-minor, n × lanes
     * @param y    batch-minor, m × lanes
     * @param s    batch-minor, m × lanes
     */
    public record Lanes(boolean[] warm, double[] x, double[] y, double[] s) {
    }
}
