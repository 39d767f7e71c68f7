package io.convexlayers.solver;

import io.convexlayers.InvalidProblemException;
import io.convexlayers.data.ConeProgram;

/**
 * Starting points for a batched solve: per instance a previous (x, y, s), e.g. the last solution of
 * the same layer in a training loop. A null row starts that instance cold.
 *
 * @param x per-instance x (length n) or null rows
 * @param y per-instance y (length m)
 * @param s per-instance s (length m)
 */
public record WarmStart(double[][] x, double[][] y, double[][] s) {

    /** Validates lengths against the program; the message names the instance and the field. */
    public WarmStart {
        if (x == null || y == null || s == null || x.length != y.length || y.length != s.length) {
            throw new InvalidProblemException("warmStart", "x, y and s must be given for the same instances");
        }
    }

    /** Warm start every instance of a batch from a previous batched solution. */
    public static WarmStart from(BatchSolution previous) {
        int b = previous.batch();
        double[][] x = new double[b][];
        double[][] y = new double[b][];
        double[][] s = new double[b][];
        for (int k = 0; k < b; k++) {
            Solution sol = previous.get(k);
            if (sol.status().hasSolution()) {
                x[k] = sol.x();
                y[k] = sol.y();
                s[k] = sol.s();
            }
        }
        return new WarmStart(x, y, s);
    }

    /** Warm start a single instance. */
    public static WarmStart of(double[] x, double[] y, double[] s) {
        return new WarmStart(new double[][] {x}, new double[][] {y}, new double[][] {s});
    }

    /** Checks the warm start against a batch of size {@code batch} with n variables and m rows. */
    public void validate(int batch, int n, int m) {
        if (x.length != batch) {
            throw new InvalidProblemException("warmStart", "has " + x.length + " instances, batch has " + batch);
        }
        for (int b = 0; b < batch; b++) {
            if (x[b] == null && y[b] == null && s[b] == null) {
                continue;
            }
            if (x[b] == null || x[b].length != n) {
                throw new InvalidProblemException("warmStart.x[" + b + "]", "expected length " + n);
            }
            if (y[b] == null || y[b].length != m) {
                throw new InvalidProblemException("warmStart.y[" + b + "]", "expected length " + m);
            }
            if (s[b] == null || s[b].length != m) {
                throw new InvalidProblemException("warmStart.s[" + b + "]", "expected length " + m);
            }
            ConeProgram.requireFinite("warmStart.x[" + b + "]", x[b]);
            ConeProgram.requireFinite("warmStart.y[" + b + "]", y[b]);
            ConeProgram.requireFinite("warmStart.s[" + b + "]", s[b]);
        }
    }

    /**
     * The starting points of instances {@code [first, first + live)} laid out for a batch of
     * {@code lanes} lanes: per-lane flags and batch-minor x (n × lanes), y and s (m × lanes), as
     * the iteration takes them. Lanes past {@code live}, and instances without a
     * starting point, start cold.
     */
    public Lanes lanes(int first, int lanes, int live, int n, int m) {
        boolean[] warm = new boolean[lanes];
        double[] wx = new double[n * lanes];
        double[] wy = new double[m * lanes];
        double[] ws = new double[m * lanes];
        for (int l = 0; l < live; l++) {
            if (x[first + l] == null) {
                continue;
            }
            warm[l] = true;
            scatter(x[first + l], wx, l, lanes);
            scatter(y[first + l], wy, l, lanes);
            scatter(s[first + l], ws, l, lanes);
        }
        return new Lanes(warm, wx, wy, ws);
    }

    private static void scatter(double[] src, double[] dst, int lane, int lanes) {
        for (int i = 0; i < src.length; i++) {
            dst[i * lanes + lane] = src[i];
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
