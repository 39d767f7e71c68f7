// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.spark;

import org.apache.spark.sql.Row;

import java.util.List;

/**
 * Reads a column of a row as the row-major values of a parameter or an upstream gradient: a double
 * for a scalar, an array of doubles, or (for a matrix) an array of rows. A value that cannot be used
 * is reported as {@link BadValue} with a message, which becomes that row's status.
 */
final class RowArrays {
    /** Why a row's value cannot be used. */
    static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(String message) {
            super(message);
        }
    }

    private RowArrays() {
    }

    static double[] read(Row row, int column, int size, String what) throws BadValue {
        if (row.isNullAt(column)) {
            throw new BadValue(what + " is null");
        }
        Object v = row.get(column);
        double[] out;
        if (v instanceof Number n) {
            out = new double[] {n.doubleValue()};
        } else {
            List<Object> list = row.getList(column);
            out = flatten(list, size, what);
        }
        if (out.length != size) {
            throw new BadValue(what + " has " + out.length + " entries; expected " + size);
        }
        for (int i = 0; i < out.length; i++) {
            if (!Double.isFinite(out[i])) {
                throw new BadValue(what + " has a non-finite entry " + out[i] + " at position " + i);
            }
        }
        return out;
    }

    private static double[] flatten(List<Object> list, int size, String what) throws BadValue {
        if (!list.isEmpty() && list.get(0) instanceof scala.collection.Seq<?>) {
            double[] out = new double[size];
            int k = 0;
            for (Object r : list) {
                if (!(r instanceof scala.collection.Seq<?> seq)) {
                    throw new BadValue(what + " has a null row");
                }
                for (int j = 0; j < seq.length(); j++) {
                    if (k == size) {
                        throw new BadValue(what + " has more than " + size + " entries");
                    }
                    out[k++] = number(seq.apply(j), what);
                }
            }
            if (k != size) {
                throw new BadValue(what + " has " + k + " entries; expected " + size);
            }
            return out;
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(list.get(i), what);
        }
        return out;
    }

    private static double number(Object o, String what) throws BadValue {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        throw new BadValue(what + " has a " + (o == null ? "null" : o.getClass().getSimpleName()) + " entry");
    }
}
