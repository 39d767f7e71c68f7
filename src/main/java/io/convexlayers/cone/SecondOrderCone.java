package io.convexlayers.cone;

/**
 * The second-order (Lorentz) cone Q = {(t, x) ∈ R × R^{q-1} : ‖x‖₂ ≤ t}, self-dual; rows are t
 * first, then x. With ν = ‖x‖₂:
 * <pre>
 *   Π(t, x) = (t, x)                      if ν ≤ t
 *           = 0                           if ν ≤ −t
 *           = ((t + ν)/2) · (1, x/ν)      otherwise.
 * </pre>
 * A cone of size 1 is the ray t ≥ 0. Batched layout: row i of lane l at
 * {@code offset + i*lanes + l}; loops run over lanes innermost.
 */
public final class SecondOrderCone {
    private SecondOrderCone() {
    }

    /** Workspace entries the batched {@link #project} needs: 2·lanes. */
    public static int workspaceSize(int lanes) {
        return 2 * lanes;
    }

    /**
     * In place, every lane of one cone of {@code size} rows.
     *
     * @param work at least {@link #workspaceSize(int)} entries, overwritten
     */
    public static void project(double[] v, int offset, int size, int lanes, double[] work) {
        // work[0, lanes): ‖x‖² then the new t; work[lanes, 2 lanes): scale of x
        for (int l = 0; l < lanes; l++) {
            work[l] = 0.0;
        }
        for (int i = 1; i < size; i++) {
            int row = offset + i * lanes;
            for (int l = 0; l < lanes; l++) {
                double x = v[row + l];
                work[l] += x * x;
            }
        }
        for (int l = 0; l < lanes; l++) {
            double t = v[offset + l];
            double nu = Math.sqrt(work[l]);
            if (nu <= t) {
                work[l] = t;
                work[lanes + l] = 1.0;
            } else if (nu <= -t) {
                work[l] = 0.0;
                work[lanes + l] = 0.0;
            } else {
                double half = 0.5 * (t + nu);
                work[l] = half;
                work[lanes + l] = half / nu;
            }
            v[offset + l] = work[l];
        }
        for (int i = 1; i < size; i++) {
            int row = offset + i * lanes;
            for (int l = 0; l < lanes; l++) {
                v[row + l] *= work[lanes + l];
            }
        }
    }

    /** In place, a single instance stored contiguously at {@code v[offset .. offset+size)}. */
    public static void project(double[] v, int offset, int size) {
        double sq = 0.0;
        for (int i = 1; i < size; i++) {
            sq += v[offset + i] * v[offset + i];
        }
        double t = v[offset];
        double nu = Math.sqrt(sq);
        if (nu <= t) {
            return;
        }
        double tNew;
        double scale;
        if (nu <= -t) {
            tNew = 0.0;
            scale = 0.0;
        } else {
            tNew = 0.5 * (t + nu);
            scale = tNew / nu;
        }
        v[offset] = tNew;
        for (int i = 1; i < size; i++) {
            v[offset + i] *= scale;
        }
    }
}
