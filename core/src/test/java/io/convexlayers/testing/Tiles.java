// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import java.util.Arrays;

/** Batch-minor tiles for tests: entry r of lane l at {@code offset + r*lanes + l}. */
public final class Tiles {
    /** Filler written around a tile, to detect writes outside it. */
    public static final double SENTINEL = -12345.678;

    private Tiles() {
    }

    /** Packs per-lane vectors into a new array with {@code offset} leading and {@code tail} trailing sentinels. */
    public static double[] pack(double[][] perLane, int offset, int tail) {
        int lanes = perLane.length;
        int rows = perLane[0].length;
        double[] v = new double[offset + rows * lanes + tail];
        Arrays.fill(v, SENTINEL);
        for (int l = 0; l < lanes; l++) {
            for (int r = 0; r < rows; r++) {
                v[offset + r * lanes + l] = perLane[l][r];
            }
        }
        return v;
    }

    /** Lane {@code l} of a tile of {@code rows} rows. */
    public static double[] lane(double[] v, int offset, int lanes, int rows, int l) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = v[offset + r * lanes + l];
        }
        return out;
    }

    /** True when every entry outside [offset, offset + rows*lanes) still holds the sentinel. */
    public static boolean sentinelsIntact(double[] v, int offset, int lanes, int rows) {
        for (int i = 0; i < v.length; i++) {
            boolean inside = i >= offset && i < offset + rows * lanes;
            if (!inside && v[i] != SENTINEL) {
                return false;
            }
        }
        return true;
    }
}
