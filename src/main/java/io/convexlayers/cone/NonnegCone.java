package io.convexlayers.cone;

/**
 * The nonnegative orthant R₊ⁿ (self-dual).
 * <pre>
 *   Π(v)_i = max(v_i, 0),   DΠ(v) = diag(d),  d_i = 1 if v_i &gt; 0, ½ if v_i = 0, 0 if v_i &lt; 0.
 * </pre>
 * The value ½ at a kink is the midpoint of the Clarke Jacobian (DESIGN §5). Batched layout: the
 * {@code count} rows of {@code lanes} instances occupy {@code [offset, offset + count*lanes)}, so
 * all entries are treated alike.
 */
public final class NonnegCone {
    private NonnegCone() {
    }

    /** In place: v ← max(v, 0) over {@code count} rows of {@code lanes} lanes. */
    public static void project(double[] v, int offset, int count, int lanes) {
        int end = offset + count * lanes;
        for (int i = offset; i < end; i++) {
            double x = v[i];
            v[i] = x > 0 ? x : 0.0;
        }
    }

    /** The diagonal of DΠ at the value {@code x}: 1, ½ or 0. */
    public static double derivative(double x) {
        return x > 0 ? 1.0 : (x == 0 ? 0.5 : 0.0);
    }
}
