// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

/**
 * Declared properties of a {@link Variable} or {@link Parameter}. For variables they become
 * constraints of the compiled problem; for parameters they are checked when a value is set and
 * they inform the sign and curvature analysis.
 */
public enum Attribute {
    /** Every entry ≥ 0. */
    NONNEG,
    /** Every entry ≤ 0. */
    NONPOS,
    /** Every entry &gt; 0: parameters are checked; variables are positive in a geometric program and nonnegative in a convex one. */
    POS,
    /** A square matrix equal to its transpose. */
    SYMMETRIC,
    /** A symmetric positive semidefinite matrix. */
    PSD
}
