// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.convexlayers.layer.LayerArgumentException;

import java.util.Arrays;

/** Conversions between DJL arrays and the core layer's row-major {@code double[]}. */
final class NDArrays {
    private NDArrays() {
    }

    /** The entries in row-major order, as doubles whatever the floating type. */
    static double[] toDoubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        try (NDArray wide = a.toType(DataType.FLOAT64, true)) {
            return wide.toDoubleArray();
        }
    }

    /** A new array of {@code shape} and {@code type} holding {@code values} (row-major). */
    static NDArray create(NDManager manager, double[] values, Shape shape, DataType type) {
        NDArray wide = manager.create(values, shape);
        if (type == DataType.FLOAT64) {
            return wide;
        }
        NDArray narrow = wide.toType(type, true);
        wide.close();
        return narrow;
    }

    /** DJL's shape for a leading batch dimension (when {@code batch >= 0}) followed by {@code dims}. */
    static Shape shape(int batch, int[] dims) {
        long[] out = new long[dims.length + (batch >= 0 ? 1 : 0)];
        int o = 0;
        if (batch >= 0) {
            out[o++] = batch;
        }
        for (int d : dims) {
            out[o++] = d;
        }
        return new Shape(out);
    }

    /** The floating type of an argument: float32 or float64, else a typed error naming it. */
    static DataType floatingType(NDArray a, String name) {
        DataType t = a.getDataType();
        if (t != DataType.FLOAT32 && t != DataType.FLOAT64) {
            throw new LayerArgumentException(name + " has data type " + t + "; the layer takes float32 or float64");
        }
        return t;
    }

    static String describe(Shape s) {
        return Arrays.toString(s.getShape());
    }
}
