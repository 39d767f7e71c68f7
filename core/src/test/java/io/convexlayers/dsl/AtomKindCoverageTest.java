// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;

import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * One case per {@link Atom.Kind}, built through {@link Atoms}: the DCP analysis gives the expected
 * curvature and sign, and the value at a small point matches a formula computed here. A new kind
 * without a case fails {@link #everyKindHasACase}, so the table grows with the enum.
 */
class AtomKindCoverageTest {
    private static final Variable X = Variable.vector("x", 3);
    private static final Variable U = Variable.vector("u", 3, Attribute.NONNEG);
    private static final Variable W = Variable.vector("w", 3, Attribute.NONNEG);
    private static final Variable Y = Variable.scalar("y");
    private static final Variable S = Variable.symmetric("S", 2);
    private static final Variable M = Variable.matrix("M", 2, 3);

    private static final double[] XV = {1, -2, 3};
    private static final double[] UV = {0.5, 1, 2};
    private static final double[] WV = {1, 2, 0.5};
    private static final Map<Variable, double[]> AT = Map.of(
            X, XV, U, UV, W, WV, Y, new double[] {2},
            S, new double[] {2, 1, 1, 2},
            M, new double[] {1, 1, 0, 0, 0, 2});

    private record Case(Expression atom, Curvature curvature, Sign sign, double[] expected) {
    }

    private static final Map<Atom.Kind, Case> CASES = cases();

    private static Map<Atom.Kind, Case> cases() {
        Map<Atom.Kind, Case> c = new EnumMap<>(Atom.Kind.class);
        Curvature vex = Curvature.CONVEX;
        Curvature cave = Curvature.CONCAVE;
        Sign nonneg = Sign.NONNEG;
        Sign unknown = Sign.UNKNOWN;
        double ln2 = Math.log(2);

        c.put(Atom.Kind.ABS, new Case(abs(X), vex, nonneg, new double[] {1, 2, 3}));
        c.put(Atom.Kind.POS, new Case(pos(X), vex, nonneg, new double[] {1, 0, 3}));
        c.put(Atom.Kind.NEG, new Case(neg(X), vex, nonneg, new double[] {0, 2, 0}));
        c.put(Atom.Kind.MAXIMUM, new Case(maximum(X, U), vex, nonneg, new double[] {1, 1, 3}));
        c.put(Atom.Kind.MINIMUM, new Case(minimum(X, constant(-1)), cave, Sign.NONPOS, new double[] {-1, -2, -1}));
        c.put(Atom.Kind.MAX, new Case(max(U), vex, nonneg, new double[] {2}));
        c.put(Atom.Kind.MIN, new Case(min(U), cave, nonneg, new double[] {0.5}));
        c.put(Atom.Kind.NORM1, new Case(norm1(X), vex, nonneg, new double[] {1 + 2 + 3}));
        c.put(Atom.Kind.NORM2, new Case(norm2(X), vex, nonneg, new double[] {Math.sqrt(1 + 4 + 9)}));
        c.put(Atom.Kind.NORM_INF, new Case(normInf(X), vex, nonneg, new double[] {3}));
        c.put(Atom.Kind.SUM_SQUARES, new Case(sumSquares(X), vex, nonneg, new double[] {14}));
        // P = [[2,1,0],[1,2,0],[0,0,1]] is PSD: xᵀPx = 2x₁² + 2x₁x₂ + 2x₂² + x₃²
        Constant p = constant(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 1}});
        c.put(Atom.Kind.QUAD_FORM, new Case(quadForm(X, p), vex, nonneg, new double[] {2 - 4 + 8 + 9}));
        c.put(Atom.Kind.QUAD_OVER_LIN, new Case(quadOverLin(X, Y), vex, nonneg, new double[] {14.0 / 2}));
        // |t| ≤ 1.5: t²; else 2·1.5·|t| − 1.5²
        c.put(Atom.Kind.HUBER, new Case(huber(X, 1.5), vex, nonneg, new double[] {1, 6 - 2.25, 9 - 2.25}));
        c.put(Atom.Kind.EXP, new Case(exp(X), vex, nonneg,
                new double[] {Math.E, 1 / (Math.E * Math.E), Math.E * Math.E * Math.E}));
        c.put(Atom.Kind.LOG, new Case(log(U), cave, unknown, new double[] {-ln2, 0, ln2}));
        c.put(Atom.Kind.ENTR, new Case(entr(U), cave, unknown, new double[] {0.5 * ln2, 0, -2 * ln2}));
        c.put(Atom.Kind.LOG_SUM_EXP, new Case(logSumExp(X), vex, unknown,
                new double[] {Math.log(Math.E + 1 / (Math.E * Math.E) + Math.E * Math.E * Math.E)}));
        c.put(Atom.Kind.LOGISTIC, new Case(logistic(X), vex, nonneg,
                new double[] {Math.log(1 + Math.E), Math.log(1 + 1 / (Math.E * Math.E)),
                        Math.log(1 + Math.E * Math.E * Math.E)}));
        // u·log(u/w) − u + w and u·log(u/w) with u = (½, 1, 2), w = (1, 2, ½)
        c.put(Atom.Kind.KL_DIV, new Case(klDiv(U, W), vex, nonneg,
                new double[] {-0.5 * ln2 + 0.5, -ln2 + 1, 4 * ln2 - 1.5}));
        c.put(Atom.Kind.REL_ENTR, new Case(relEntr(U, W), vex, unknown, new double[] {-0.5 * ln2, -ln2, 4 * ln2}));
        c.put(Atom.Kind.POWER, new Case(power(U, 3), vex, nonneg, new double[] {0.125, 1, 8}));
        // (½ · 1 · 2²)^(1/4)
        c.put(Atom.Kind.GEO_MEAN, new Case(geoMean(U, 1, 1, 2), cave, nonneg, new double[] {Math.sqrt(Math.sqrt(2))}));
        // S = [[2,1],[1,2]]: eigenvalues 3 and 1, det 3
        double[] eigS = symmetric2x2Eigenvalues(2, 1, 2);
        c.put(Atom.Kind.LAMBDA_MAX, new Case(lambdaMax(S), vex, unknown, new double[] {eigS[0]}));
        c.put(Atom.Kind.LAMBDA_MIN, new Case(lambdaMin(S), cave, unknown, new double[] {eigS[1]}));
        c.put(Atom.Kind.LOG_DET, new Case(logDet(S), cave, unknown, new double[] {Math.log(2 * 2 - 1 * 1)}));
        // M = [[1,1,0],[0,0,2]]: M·Mᵀ = [[2,0],[0,4]], singular values 2 and √2
        double[] eigMMt = symmetric2x2Eigenvalues(2, 0, 4);
        c.put(Atom.Kind.SIGMA_MAX, new Case(sigmaMax(M), vex, nonneg, new double[] {Math.sqrt(eigMMt[0])}));
        c.put(Atom.Kind.NORM_NUC, new Case(normNuc(M), vex, nonneg,
                new double[] {Math.sqrt(eigMMt[0]) + Math.sqrt(eigMMt[1])}));
        // the 1.5 largest of (½, 1, 2): 2 + ½·1
        c.put(Atom.Kind.SUM_LARGEST, new Case(sumLargest(U, 1.5), vex, nonneg, new double[] {2.5}));
        return c;
    }

    /** Eigenvalues (larger first) of [[a, b], [b, d]] in closed form. */
    private static double[] symmetric2x2Eigenvalues(double a, double b, double d) {
        double mean = (a + d) / 2;
        double r = Math.hypot((a - d) / 2, b);
        return new double[] {mean + r, mean - r};
    }

    @Test
    void everyKindHasACase() {
        assertEquals(EnumSet.allOf(Atom.Kind.class), CASES.keySet());
    }

    @ParameterizedTest
    @EnumSource(Atom.Kind.class)
    void dcpCurvatureSignAndValue(Atom.Kind kind) {
        Case c = CASES.get(kind);
        assertNotNull(c, "no case for " + kind);
        Atom atom = assertInstanceOf(Atom.class, c.atom());
        assertEquals(kind, atom.kind());

        Curvature curvature = assertDoesNotThrow(() -> atom.curvature(Rules.DCP));
        assertTrue(curvature.isKnown(), kind + " should have a known curvature");
        assertEquals(c.curvature(), curvature, kind + " curvature");
        assertTrue(atom.isDcp(), kind + " should be DCP");
        assertEquals(c.sign(), atom.sign(), kind + " sign");

        double[] value = atom.value(AT);
        assertEquals(c.expected().length, value.length, kind + " value size");
        for (int i = 0; i < value.length; i++) {
            double e = c.expected()[i];
            assertEquals(e, value[i], 1e-12 * Math.max(1, Math.abs(e)), kind + " value[" + i + "]");
        }
        assertTrue(atom.toString().startsWith(kind.display() + "("), atom.toString());
    }
}
