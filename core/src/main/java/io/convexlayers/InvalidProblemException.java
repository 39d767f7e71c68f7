// SPDX-License-Identifier: Apache-2.0
package io.convexlayers;


/**
 * Problem data that cannot describe a valid cone program: wrong dimensions, unsorted or
 * out-of-range sparse indices, cone sizes that do not add up, or non-finite numbers. The
 * message always names the offending field.
 */
public class InvalidProblemException extends ConvexLayersException {
    private final String field;

    public InvalidProblemException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The name of the offending field, e.g. {@code "A.rowIndex"} or {@code "b[3]"}. */
    public String field() {
        return field;
    }
}
