// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.data;

import io.convexlayers.InvalidProblemException;

/**
 * A vector of {@code length} entries for each of {@code batch} instances, either shared by all
 * instances (stored once) or per instance in batch-minor order: entry i of instance b lives at
 * {@code i * batch + b} (DESIGN §2). Immutable.
 */
public final class BatchArray {
    private final int length;
    private final int batch;
    private final boolean shared;
    private final double[] data;

    private BatchArray(int length, int batch, boolean shared, double[] data) {
        this.length = length;
        this.batch = batch;
        this.shared = shared;
        this.data = data;
    }

    /** One vector used by every instance of a batch of size {@code batch}. */
    public static BatchArray shared(double[] values, int batch) {
        return new BatchArray(values.length, batch, true, values.clone());
    }

    /** Per-instance vectors, given as {@code perInstance[b][i]}; all rows must have equal length. */
    public static BatchArray perInstance(double[][] perInstance) {
        int batch = perInstance.length;
        int length = batch == 0 ? 0 : perInstance[0].length;
        double[] data = new double[length * batch];
        for (int b = 0; b < batch; b++) {
            if (perInstance[b].length != length) {
                throw new InvalidProblemException("instance " + b, "length " + perInstance[b].length
                        + " differs from instance 0's " + length);
            }
            for (int i = 0; i < length; i++) {
                data[i * batch + b] = perInstance[b][i];
            }
        }
        return new BatchArray(length, batch, false, data);
    }

    /** Wraps batch-minor data ({@code length * batch} entries) without copying. */
    public static BatchArray batchMinor(int length, int batch, double[] data) {
        if (data.length != length * batch) {
            throw new InvalidProblemException("data", "expected " + (length * batch) + " entries, got "
                    + data.length);
        }
        return new BatchArray(length, batch, false, data);
    }

    public int length() {
        return length;
    }

    public int batch() {
        return batch;
    }

    /** True when one vector serves every instance. */
    public boolean isShared() {
        return shared;
    }

    /** Entry {@code i} of instance {@code b}. */
    public double get(int i, int b) {
        return shared ? data[i] : data[i * batch + b];
    }

    /** A copy of instance {@code b}'s vector. */
    public double[] instance(int b) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = get(i, b);
        }
        return out;
    }

    /**
     * Copies instances {@code [first, first + lanes)} into a batch-minor tile of {@code lanes}
     * lanes; lanes past the end of the batch repeat the last instance (padding).
     */
    public void copyTile(int first, int lanes, double[] tile) {
        if (!shared && first + lanes <= batch) { // whole rows of the tile are contiguous
            for (int i = 0; i < length; i++) {
                System.arraycopy(data, i * batch + first, tile, i * lanes, lanes);
            }
            return;
        }
        for (int i = 0; i < length; i++) {
            for (int l = 0; l < lanes; l++) {
                int b = Math.min(first + l, batch - 1);
                tile[i * lanes + l] = get(i, b);
            }
        }
    }

    /** The raw storage: {@code length} entries when shared, else batch-minor. Do not modify. */
    public double[] rawData() {
        return data;
    }

    /**
     * Checks that every entry is finite.
     *
     * @throws InvalidProblemException naming {@code name}, the entry and the instance
     */
    public void requireFinite(String name) {
        for (int k = 0; k < data.length; k++) {
            if (!Double.isFinite(data[k])) {
                int i = shared ? k : k / batch;
                String where = shared ? "" : " of instance " + (k % batch);
                throw new InvalidProblemException(name + "[" + i + "]", "not finite (" + data[k] + ")" + where);
            }
        }
    }
}
