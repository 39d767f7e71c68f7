// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

/**
 * The sign of every entry of an expression, as far as the rules can tell (DCP sign analysis).
 */
public enum Sign {
    /** Every entry is zero. */
    ZERO,
    /** Every entry is ≥ 0. */
    NONNEG,
    /** Every entry is ≤ 0. */
    NONPOS,
    /** Nothing is known. */
    UNKNOWN;

    public boolean isNonneg() {
        return this == ZERO || this == NONNEG;
    }

    public boolean isNonpos() {
        return this == ZERO || this == NONPOS;
    }

    /** The sign of −e. */
    public Sign negate() {
        return switch (this) {
            case NONNEG -> NONPOS;
            case NONPOS -> NONNEG;
            default -> this;
        };
    }

    /** The sign of a sum of an expression of this sign and one of sign {@code o}. */
    public Sign add(Sign o) {
        if (this == ZERO) {
            return o;
        }
        if (o == ZERO) {
            return this;
        }
        if (this == o) {
            return this;
        }
        return UNKNOWN;
    }

    /** The sign of a product (or a sum of products) of entries of these signs. */
    public Sign multiply(Sign o) {
        if (this == ZERO || o == ZERO) {
            return ZERO;
        }
        if (this == UNKNOWN || o == UNKNOWN) {
            return UNKNOWN;
        }
        return this == o ? NONNEG : NONPOS;
    }

    /** The sign of the given numbers together. */
    public static Sign of(double[] values) {
        boolean pos = false;
        boolean neg = false;
        for (double v : values) {
            if (v > 0) {
                pos = true;
            } else if (v < 0) {
                neg = true;
            } else if (Double.isNaN(v)) {
                return UNKNOWN;
            }
        }
        if (pos && neg) {
            return UNKNOWN;
        }
        return pos ? NONNEG : neg ? NONPOS : ZERO;
    }
}
