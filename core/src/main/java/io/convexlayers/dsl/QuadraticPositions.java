// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the objective terms that the native quadratic form turns into the solver's P (DESIGN §2:
 * quadratic objectives stay quadratic). A node is in a <em>quadratic position</em> when the path
 * from the objective root reaches it only through sums, negations, structural linear maps (sum,
 * index, …) and products or divisions by numeric constants; along the path the objective weight
 * of each entry is tracked (the objective equals Σᵢ wᵢ·nodeᵢ plus other terms). The native
 * atoms are {@code sumSquares}, {@code quadForm}, {@code quadOverLin} with a constant
 * denominator, {@code huber} and {@code square}/{@code power(x, 2)}, each of an affine argument.
 *
 * <p>Weights must be numbers: a coefficient holding a parameter (DPP compilation) ends the path
 * (the term then takes the cone form), unless parameters are compiled as constants.
 */
public final class QuadraticPositions {
    private QuadraticPositions() {
    }

    /** A value known as a number: no variables, and no parameters unless they count as constants. */
    public static boolean isNumeric(Expression e, boolean parametersAsConstants) {
        return !e.hasVariables() && (parametersAsConstants || !e.hasParameters());
    }

    /**
     * Whether {@code atom} can contribute to P when it sits in a quadratic position: its argument is
     * affine (and parameter-free for quadForm with a parameter matrix), quadOverLin's denominator
     * is a positive number, quadForm's matrix a number or (DPP) a PSD parameter.
     */
    public static boolean isNativeCapable(Atom atom, boolean parametersAsConstants) {
        Rules rules = parametersAsConstants ? Rules.DCP : Rules.DPP;
        List<Expression> args = atom.args();
        Expression x = args.get(0);
        if (!x.curvature(rules).isAffine() || !x.hasVariables()) {
            return false;
        }
        // Exhaustive, no default: a new Kind must decide here whether it has a native quadratic form.
        return switch (atom.kind()) {
            case SUM_SQUARES, HUBER -> true;
            case POWER -> atom.param() == 2;
            case QUAD_OVER_LIN -> {
                Expression y = args.get(1);
                yield isNumeric(y, parametersAsConstants) && y.value()[0] > 0;
            }
            case QUAD_FORM -> {
                Expression p = args.get(1);
                if (isNumeric(p, parametersAsConstants)) {
                    yield true; // definiteness was checked by the DCP analysis
                }
                yield p instanceof Parameter leaf && leaf.has(Attribute.PSD) && x.isParameterFree();
            }
            // cone form only
            case ABS, POS, NEG, MAXIMUM, MINIMUM, MAX, MIN, NORM1, NORM2, NORM_INF, EXP, LOG, ENTR, LOG_SUM_EXP,
                    LOGISTIC, KL_DIV, REL_ENTR, GEO_MEAN, LAMBDA_MAX, LAMBDA_MIN, SIGMA_MAX, NORM_NUC, LOG_DET,
                    SUM_LARGEST -> false;
        };
    }

    /**
     * The objective weights of {@code node}'s operands given the weights {@code w} of its own
     * entries, or {@code null} when the node does not pass quadratic positions to its operands.
     */
    public static double[][] childWeights(Expression node, double[] w, boolean parametersAsConstants) {
        List<Expression> args = node.args();
        if (node instanceof AddExpression) {
            double[][] out = new double[args.size()][];
            for (int k = 0; k < out.length; k++) {
                out[k] = args.get(k).shape().isScalar() && w.length > 1 ? new double[] {sum(w)} : w;
            }
            return out;
        }
        if (node instanceof CumsumExpression cs) {
            return new double[][] {cs.adjoint(w)};
        }
        if (node instanceof NegateExpression) {
            return new double[][] {scale(w, -1)};
        }
        if (node instanceof LinearMapExpression lm) {
            double[] all = lm.map().applyTranspose(w);
            double[][] out = new double[args.size()][];
            int off = 0;
            for (int k = 0; k < out.length; k++) {
                int n = args.get(k).size();
                out[k] = java.util.Arrays.copyOfRange(all, off, off + n);
                off += n;
            }
            return out;
        }
        if (node instanceof ProductExpression p
                && (p.kind() == ProductExpression.Kind.SCALAR || p.kind() == ProductExpression.Kind.ELEMENTWISE)) {
            boolean leftNum = isNumeric(p.left(), parametersAsConstants);
            boolean rightNum = isNumeric(p.right(), parametersAsConstants);
            if (leftNum == rightNum) {
                return null;
            }
            Expression coef = leftNum ? p.left() : p.right();
            Expression other = leftNum ? p.right() : p.left();
            double[] c = coef.value();
            double[] cw = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                cw[i] = w[i] * c[c.length == 1 ? 0 : i];
            }
            double[] ow = other.shape().isScalar() && cw.length > 1 ? new double[] {sum(cw)} : cw;
            return leftNum ? new double[][] {null, ow} : new double[][] {ow, null};
        }
        if (node instanceof DivideExpression d && isNumeric(d.denominator(), parametersAsConstants)) {
            double[] c = d.denominator().value();
            double[] cw = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                cw[i] = w[i] / c[c.length == 1 ? 0 : i];
            }
            double[] nw = d.numerator().shape().isScalar() && cw.length > 1 ? new double[] {sum(cw)} : cw;
            return new double[][] {nw, null};
        }
        return null;
    }

    /**
     * The accumulated objective weights of every native-capable atom in a quadratic position of
     * {@code objective} (a scalar to be minimized).
     */
    public static Map<Expression, double[]> weights(Expression objective, boolean parametersAsConstants) {
        IdentityHashMap<Expression, double[]> out = new IdentityHashMap<>();
        collect(objective, new double[] {1}, parametersAsConstants, out);
        return out;
    }

    private static void collect(Expression node, double[] w, boolean pac, IdentityHashMap<Expression, double[]> out) {
        if (!node.hasVariables()) {
            return;
        }
        if (node instanceof Atom atom) {
            if (isNativeCapable(atom, pac)) {
                double[] acc = out.get(node);
                if (acc == null) {
                    out.put(node, w.clone());
                } else {
                    for (int i = 0; i < acc.length; i++) {
                        acc[i] += w[i];
                    }
                }
            }
            return;
        }
        double[][] cw = childWeights(node, w, pac);
        if (cw == null) {
            return;
        }
        List<Expression> args = node.args();
        for (int k = 0; k < cw.length; k++) {
            if (cw[k] != null) {
                collect(args.get(k), cw[k], pac, out);
            }
        }
    }

    private static double sum(double[] w) {
        double s = 0;
        for (double v : w) {
            s += v;
        }
        return s;
    }

    private static double[] scale(double[] w, double c) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = c * w[i];
        }
        return out;
    }
}
