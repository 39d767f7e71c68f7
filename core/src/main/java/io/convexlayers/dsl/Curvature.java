// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

/**
 * The curvature of an expression under the DCP rules. {@code CONSTANT} and {@code AFFINE} are both
 * convex and concave; {@code UNKNOWN} means the rules cannot certify either (the expression is not
 * DCP).
 */
public enum Curvature {
    CONSTANT, AFFINE, CONVEX, CONCAVE, UNKNOWN;

    public boolean isConvex() {
        return this == CONSTANT || this == AFFINE || this == CONVEX;
    }

    public boolean isConcave() {
        return this == CONSTANT || this == AFFINE || this == CONCAVE;
    }

    /** Constant or affine. */
    public boolean isAffine() {
        return this == CONSTANT || this == AFFINE;
    }

    /** True unless {@code UNKNOWN}. */
    public boolean isKnown() {
        return this != UNKNOWN;
    }

    /** Curvature of −e. */
    public Curvature negate() {
        return switch (this) {
            case CONVEX -> CONCAVE;
            case CONCAVE -> CONVEX;
            default -> this;
        };
    }

    /** Curvature of a sum. */
    public Curvature add(Curvature o) {
        if (this == UNKNOWN || o == UNKNOWN) {
            return UNKNOWN;
        }
        if (this == CONSTANT) {
            return o;
        }
        if (o == CONSTANT) {
            return this;
        }
        if (this == AFFINE) {
            return o;
        }
        if (o == AFFINE) {
            return this;
        }
        return this == o ? this : UNKNOWN;
    }

    /** Curvature of c·e where the coefficient c is constant with sign {@code s}. */
    public Curvature scaleBy(Sign s) {
        if (s == Sign.ZERO) {
            return CONSTANT;
        }
        if (isAffine()) {
            return this;
        }
        if (this == UNKNOWN) {
            return UNKNOWN;
        }
        return switch (s) {
            case NONNEG -> this;
            case NONPOS -> negate();
            default -> UNKNOWN;
        };
    }

    /** Lower-case name for messages. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
