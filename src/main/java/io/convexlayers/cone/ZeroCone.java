package io.convexlayers.cone;

import java.util.Arrays;

/**
 * The zero cone {0}ⁿ of equality rows and its dual, the free cone Rⁿ.
 * <pre>
 *   Π_{0}(v) = 0,   Π_{Rⁿ}(v) = v,   DΠ_{0} = 0,   DΠ_{Rⁿ} = I.
 * </pre>
 * Batched layout (DESIGN §2): {@code count} rows of {@code lanes} instances occupy the contiguous
 * range {@code [offset, offset + count*lanes)}.
 */
public final class ZeroCone {
    private ZeroCone() {
    }

    /** Projects onto {0}: sets the {@code count} rows of every lane to zero. */
    public static void project(double[] v, int offset, int count, int lanes) {
        Arrays.fill(v, offset, offset + count * lanes, 0.0);
    }
}
