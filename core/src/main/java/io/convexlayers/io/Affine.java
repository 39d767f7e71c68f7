// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import java.util.Arrays;

/**
 * A sparse affine function g(x) = Σ coefs[k]·x[cols[k]] + constant of the solver variables: the
 * value one row of the slack s must take. A row of a cone program with Ax + s = b and
 * s = g(x) has A-row −coefs and b-entry constant. Immutable (arrays are not copied: callers hand
 * over fresh arrays).
 */
record Affine(int[] cols, double[] coefs, double constant) {
    /** coef·x[col] + constant. */
    static Affine single(int col, double coef, double constant) {
        return new Affine(new int[] {col}, new double[] {coef}, constant);
    }

    /** factor·g. */
    Affine scaled(double factor) {
        double[] v = coefs.clone();
        for (int k = 0; k < v.length; k++) {
            v[k] *= factor;
        }
        return new Affine(cols, v, constant * factor);
    }

    /** a·g + b·h (coefficients of a shared column are summed by the assembler). */
    static Affine combine(double a, Affine g, double b, Affine h) {
        int[] cols = Arrays.copyOf(g.cols, g.cols.length + h.cols.length);
        System.arraycopy(h.cols, 0, cols, g.cols.length, h.cols.length);
        double[] v = new double[cols.length];
        for (int k = 0; k < g.cols.length; k++) {
            v[k] = a * g.coefs[k];
        }
        for (int k = 0; k < h.cols.length; k++) {
            v[g.cols.length + k] = b * h.coefs[k];
        }
        return new Affine(cols, v, a * g.constant + b * h.constant);
    }
}
