// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.Atom;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Parameter;

/**
 * Native forms of convex quadratic objective terms (DESIGN §2–3): instead of second-order cones,
 * the term goes into the solver's P. Each method receives the objective weight of the atom's
 * entries (from {@link io.convexlayers.dsl.QuadraticPositions}) and returns the affine remainder
 * of the atom's value (what is not in P), which the objective then combines as usual.
 * <ul>
 *   <li>{@code sumSquares(e)}: t = e (an equality, unless e is already a plain variable), P += 2w·I
 *       on t. P stays parameter-free even when e holds parameters.</li>
 *   <li>{@code square(e)} / {@code power(e, 2)}: the same, with per-entry weights.</li>
 *   <li>{@code quadForm(e, Q)}: t = e, P += 2w·Q (numeric Q), or the parametric block w·(P_θ + P_θᵀ)
 *       for a PSD parameter P.</li>
 *   <li>{@code quadOverLin(e, y)} with a positive number y: P += (2w/y)·I on t.</li>
 *   <li>{@code huber(e, M)}: e = n + s; P += 2w·I on n; remainder 2M·|s| (linear cone form).</li>
 * </ul>
 */
final class NativeQuadratics {
    private NativeQuadratics() {
    }

    static AffineTensor apply(Canonicalizer cx, Atom atom, double[] w) {
        Expression x = atom.args().get(0);
        // Exhaustive, no default: a new Kind must be placed here, even if only among the unsupported ones.
        return switch (atom.kind()) {
            case SUM_SQUARES -> {
                cx.quadratic().addSquares(cx.alias(cx.canon(x)), w);
                yield AffineTensor.zeros(1);
            }
            case POWER -> {
                cx.quadratic().addSquares(cx.alias(cx.canon(x)), w);
                yield AffineTensor.zeros(atom.size());
            }
            case QUAD_OVER_LIN -> {
                double y = cx.numericValue(atom.args().get(1))[0];
                cx.quadratic().addSquares(cx.alias(cx.canon(x)), new double[] {w[0] / y});
                yield AffineTensor.zeros(1);
            }
            case QUAD_FORM -> {
                Expression p = atom.args().get(1);
                int[] cols = cx.alias(cx.canon(x).broadcast(p.shape().rows()));
                if (cx.isNumeric(p)) {
                    cx.quadratic().addForm(cols, cx.numericValue(p), w[0]);
                } else {
                    cx.quadratic().addParametricForm(cols, cx.parameterOffset((Parameter) p), w[0]);
                    cx.requirePsdAtRuntime((Parameter) p);
                }
                yield AffineTensor.zeros(1);
            }
            case HUBER -> {
                AffineTensor e = cx.canon(x);
                int n = e.length();
                AffineTensor quad = cx.newVariable(n);
                AffineTensor lin = cx.newVariable(n);
                cx.zero(e.minus(quad).minus(lin), null);
                cx.quadratic().addSquares(Canonicalizer.columnsOf(quad), w);
                yield AtomGraphs.absOf(cx, lin).scale(2 * atom.param());
            }
            // QuadraticPositions.isNativeCapable never selects these
            case ABS, POS, NEG, MAXIMUM, MINIMUM, MAX, MIN, NORM1, NORM2, NORM_INF, EXP, LOG, ENTR, LOG_SUM_EXP,
                    LOGISTIC, KL_DIV, REL_ENTR, GEO_MEAN, LAMBDA_MAX, LAMBDA_MIN, SIGMA_MAX, NORM_NUC, LOG_DET,
                    SUM_LARGEST -> throw new IllegalStateException("no native quadratic form for " + atom.kind());
        };
    }
}
