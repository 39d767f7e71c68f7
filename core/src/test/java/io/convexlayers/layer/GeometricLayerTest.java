// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.DgpException;
import io.convexlayers.dsl.DppException;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Rules;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.convexlayers.dsl.Atoms.*;
import static io.convexlayers.layer.LayerTesting.linearLoss;
import static io.convexlayers.layer.LayerTesting.uniform;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Layers over geometric programs: positive parameters in, positive variables out, batched, and
 * gradients with respect to the parameters themselves checked against closed forms and against
 * central differences (multiplicative steps θ(1 ± h)) to 1e-5 relative.
 */
class GeometricLayerTest {
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-11);
    private static final double H = 1e-4;
    private static final double REL = 1e-5;

    /** The box of the issue: max hwd with 2(hw + hd) ≤ A and wd ≤ F. */
    private static final class Box {
        final Variable h = Variable.scalar("h", Attribute.POS);
        final Variable w = Variable.scalar("w", Attribute.POS);
        final Variable d = Variable.scalar("d", Attribute.POS);
        final Parameter wall = Parameter.scalar("Awall", Attribute.POS);
        final Parameter floor = Parameter.scalar("Afloor", Attribute.POS);
        final Problem problem = Problem.maximize(h.times(w).times(d),
                h.times(w).plus(h.times(d)).times(2).le(wall), w.times(d).le(floor));
    }

    @Test
    void boxLayerMatchesTheClosedFormAndItsDerivatives() {
        Box box = new Box();
        ConvexLayer layer = ConvexLayer.builder(box.problem).parameters(box.wall, box.floor)
                .outputs(box.h, box.w, box.d).settings(TIGHT).build();
        assertTrue(layer.isGeometric(), "recognized as a geometric program without being told");
        double[] a = {100, 50, 8, 300};
        double[] f = {10, 4, 1, 30};
        LayerResult r = layer.forward(a, f);
        double[] ch = {1, -2, 0.5, 3};
        double[] cw = {0.3, 1, -1, 2};
        double[] cd = {2, 0.5, 1, -0.7};
        Gradients g = r.backward(ch, cw, cd);
        for (int b = 0; b < a.length; b++) {
            double root = Math.sqrt(f[b]);
            assertEquals(SolverStatus.SOLVED, r.status(b));
            assertRelative(a[b] / (4 * root), r.value(box.h)[b], "h of " + b);
            assertRelative(root, r.value(box.w)[b], "w of " + b);
            assertRelative(root, r.value(box.d)[b], "d of " + b);
            assertRelative(a[b] * root / 4, r.objective(b), "volume of " + b);
            // h = A/(4√F), w = d = √F
            double dA = ch[b] / (4 * root);
            double dF = -ch[b] * a[b] / (8 * f[b] * root) + (cw[b] + cd[b]) / (2 * root);
            assertRelative(dA, g.of(box.wall)[b], "dL/dA of " + b);
            assertRelative(dF, g.of(box.floor)[b], "dL/dF of " + b);
        }
        assertArrayEquals(new int[] {4}, g.shape(box.wall));
    }

    @Test
    void allocationGradientsMatchFiniteDifferencesForBatchedAndBroadcastParameters() {
        // min Σ cᵢ/xᵢ + x₀x₁ s.t. aᵀx ≤ budget: a batched vector, c broadcast, budget broadcast
        Random rnd = new Random(5);
        int n = 4;
        Variable x = Variable.vector("x", n, Attribute.POS);
        Parameter a = Parameter.vector("a", n, Attribute.POS);
        Parameter c = Parameter.vector("c", n, Attribute.POS);
        Parameter budget = Parameter.scalar("budget", Attribute.POS);
        Problem p = Problem.minimize(c.dot(invPos(x)).plus(x.get(0).times(x.get(1))), a.dot(x).le(budget));
        ConvexLayer layer = ConvexLayer.builder(p).parameters(a, c, budget).outputs(x).settings(TIGHT).build();
        int batch = 3;
        double[][] values = {uniform(rnd, batch * n, 0.5, 2), uniform(rnd, n, 0.5, 2), {2.5}};
        double[][] weights = {uniform(rnd, n, -1, 1)};
        assertGradientsMatchRelative(layer, values, weights, batch);
    }

    @Test
    void powerControlGradientsWithParametersInsidePosynomials() {
        // SINR constraints γ(σ + G₁₂p₂)/(G₁₁p₁) ≤ 1: σ and the gains sit inside posynomials
        Variable p1 = Variable.scalar("p1", Attribute.POS);
        Variable p2 = Variable.scalar("p2", Attribute.POS);
        Parameter gamma = Parameter.scalar("gamma", Attribute.POS);
        Parameter sigma = Parameter.scalar("sigma", Attribute.POS);
        Parameter gain = Parameter.vector("gain", 4, Attribute.POS); // G11, G12, G21, G22
        Problem p = Problem.minimize(p1.plus(p2),
                gamma.times(sigma.plus(p2.times(gain.get(1)))).div(p1.times(gain.get(0))).le(1),
                gamma.times(sigma.plus(p1.times(gain.get(2)))).div(p2.times(gain.get(3))).le(1));
        assertTrue(p.isDgp(Rules.DPP), p.explainDgp());
        ConvexLayer layer = ConvexLayer.builder(p).outputs(p1, p2).settings(TIGHT).build();
        double[][] values = {{2, 1.5}, {0.5}, {1, 0.1, 0.2, 0.8}};
        double[][] weights = {{1}, {2}};
        assertGradientsMatchRelative(layer, values, weights, 2);
        // the closed form: p solves (Gᵢᵢ/γ)pᵢ − Gᵢⱼpⱼ = σ
        LayerResult r = layer.forward(values);
        double gm = 2;
        double det = (1 / gm) * (0.8 / gm) - 0.1 * 0.2;
        assertRelative((0.8 / gm * 0.5 + 0.1 * 0.5) / det, r.value(p1)[0], "p1");
    }

    @Test
    void perronFrobeniusAndEyeMinusInverseGradientsMatchFiniteDifferences() {
        // min λ_pf([[x, θ₁], [θ₂, κ/x]]) + x, and max y s.t. sum((I − y·B)⁻¹) ≤ s with B a parameter
        Variable x = Variable.scalar("x", Attribute.POS);
        Parameter t = Parameter.vector("t", 2, Attribute.POS);
        Parameter kappa = Parameter.scalar("kappa", Attribute.POS);
        Problem pf = Problem.minimize(pfEigenvalue(vstack(hstack(x, t.get(0)), hstack(t.get(1), kappa.div(x))))
                .plus(x));
        // eps 1e-10: at 1e-11 some instances stall at the iteration limit (exponential cones near the tolerance floor)
        SolverSettings eps10 = SolverSettings.defaults().withEps(1e-10);
        ConvexLayer pfLayer = ConvexLayer.builder(pf).parameters(t, kappa).outputs(x).settings(eps10).build();
        assertGradientsMatchRelative(pfLayer, new double[][] {{1, 2, 1.5, 0.5}, {4}}, new double[][] {{1}}, 2);

        Variable y = Variable.scalar("y", Attribute.POS);
        Parameter bm = Parameter.matrix("B", 2, 2, Attribute.POS);
        Parameter s = Parameter.scalar("s", Attribute.POS);
        Problem inv = Problem.maximize(y, sum(eyeMinusInv(bm.times(y))).le(s));
        ConvexLayer invLayer = ConvexLayer.builder(inv).parameters(bm, s).outputs(y).settings(eps10).build();
        assertGradientsMatchRelative(invLayer, new double[][] {{0.2, 0.3, 0.1, 0.4}, {5}}, new double[][] {{1}}, 1);
    }

    @Test
    void aMaximumInsideAPosynomialDifferentiatesToTheClosedForm() {
        // min max(x, θ/x) + y + κ/y: x = √θ, y = √κ (the maximum's epigraph sits inside the log-sum-exp)
        Variable x = Variable.scalar("x", Attribute.POS);
        Variable y = Variable.scalar("y", Attribute.POS);
        Parameter theta = Parameter.scalar("theta", Attribute.POS);
        Parameter kappa = Parameter.scalar("kappa", Attribute.POS);
        Problem p = Problem.minimize(maximum(x, theta.div(x)).plus(y).plus(kappa.div(y)));
        ConvexLayer layer = ConvexLayer.builder(p).parameters(theta, kappa).outputs(x, y)
                .settings(SolverSettings.defaults().withEps(1e-10)).build();
        double[] th = {2, 5, 0.3};
        double[] ka = {1, 3, 7};
        LayerResult r = solved(layer.forward(th, ka));
        Gradients g = r.backward(new double[] {1, 1, 1}, new double[] {2, 2, 2});
        for (int b = 0; b < 3; b++) {
            assertRelative(Math.sqrt(th[b]), r.value(x)[b], "x of " + b);
            assertRelative(Math.sqrt(ka[b]), r.value(y)[b], "y of " + b);
            assertRelative(1 / (2 * Math.sqrt(th[b])), g.of(theta)[b], "dx/dθ of " + b);
            assertRelative(1 / Math.sqrt(ka[b]), g.of(kappa)[b], "2·dy/dκ of " + b);
        }
    }

    @Test
    void aParameterWithExponentZeroStillHasASlotAndAZeroGradient() {
        Variable x = Variable.scalar("x", Attribute.POS);
        Parameter theta = Parameter.scalar("theta", Attribute.POS);
        Problem p = Problem.minimize(x.plus(invPos(x).times(power(theta, 0))));
        ConvexLayer layer = ConvexLayer.builder(p).outputs(x).settings(SolverSettings.defaults().withEps(1e-9)).build();
        LayerResult r = solved(layer.forward(new double[] {3}));
        assertRelative(1, r.value(x)[0], "x");
        assertEquals(0, r.backward(new double[] {1}).of(theta)[0], 1e-9);
    }

    @Test
    void nonPositiveParameterValuesAreTypedErrorsNamingTheInstance() {
        Box box = new Box();
        ConvexLayer layer = ConvexLayer.builder(box.problem).outputs(box.h).build();
        LayerArgumentException e = assertThrows(LayerArgumentException.class,
                () -> layer.forward(new double[] {100, 50, -1}, new double[] {10}));
        assertTrue(e.getMessage().contains("instance 2") && e.getMessage().contains("POS"), e.getMessage());
        e = assertThrows(LayerArgumentException.class, () -> layer.forward(new double[] {100, 0}, new double[] {10}));
        assertTrue(e.getMessage().contains("instance 1"), e.getMessage());
        e = assertThrows(LayerArgumentException.class,
                () -> layer.forward(new double[] {100, Double.NaN}, new double[] {10}));
        assertTrue(e.getMessage().contains("instance 1") && e.getMessage().contains("finite"), e.getMessage());
    }

    @Test
    void anInfeasibleInstanceGetsItsOwnStatus() {
        Variable x = Variable.scalar("x", Attribute.POS);
        Parameter lo = Parameter.scalar("lo", Attribute.POS);
        Parameter hi = Parameter.scalar("hi", Attribute.POS);
        Problem p = Problem.minimize(x.plus(invPos(x).times(4)), x.ge(lo), x.le(hi));
        ConvexLayer layer = ConvexLayer.builder(p).outputs(x).settings(SolverSettings.defaults().withEps(1e-9))
                .failurePolicy(FailurePolicy.RETURN).build();
        LayerResult r = layer.forward(new double[] {1, 3, 0.5}, new double[] {5, 1, 1});
        assertEquals(SolverStatus.SOLVED, r.status(0));
        assertTrue(r.status(1) == SolverStatus.INFEASIBLE || r.status(1) == SolverStatus.INFEASIBLE_INACCURATE);
        assertEquals(SolverStatus.SOLVED, r.status(2));
        assertRelative(2, r.value(x)[0], "unconstrained optimum x = 2");
        assertRelative(1, r.value(x)[2], "x at its upper bound");
        assertEquals(0, r.value(x)[1], "no value for the infeasible instance");
        Gradients g = r.backward(new double[] {1, Double.NaN, 1});
        assertEquals(0, g.of(lo)[1]);
        assertEquals(0, g.of(hi)[1]);
        assertRelative(1, g.of(hi)[2], "dx/dhi = 1 at the active bound");
    }

    @Test
    void choosingTheKindExplicitlyAndRejectingWhatDoesNotFit() {
        Box box = new Box();
        DgpException forced = assertThrows(DgpException.class,
                () -> ConvexLayer.builder(Problem.minimize(box.h.minus(box.w), box.w.le(box.wall)))
                        .outputs(box.h).geometric(true).build());
        assertEquals("-w", forced.offendingExpression());
        // positive variables but not DGP: the DGP diagnosis, not a DCP one
        DgpException auto = assertThrows(DgpException.class,
                () -> ConvexLayer.builder(Problem.minimize(box.h.times(box.w), box.h.plus(box.w).eq(box.wall)))
                        .outputs(box.h).build());
        assertTrue(auto.reason().contains("monomials"), auto.getMessage());
        // DGP for fixed parameters, not DPP: rejected for a layer, with the rewrite
        Variable x = Variable.scalar("x", Attribute.POS);
        DgpException dpp = assertThrows(DgpException.class,
                () -> ConvexLayer.builder(Problem.maximize(x.times(box.h), x.le(box.wall.plus(1)), box.h.le(2)))
                        .outputs(x).build());
        assertEquals(Rules.DPP, dpp.rules());
        // a convex problem stays convex; forcing geometric on it applies the DGP rules
        Variable y = Variable.scalar("y");
        Parameter q = Parameter.scalar("q");
        Problem convex = Problem.minimize(square(y).minus(q.times(y)));
        assertFalse(ConvexLayer.builder(convex).outputs(y).build().isGeometric());
        assertThrows(DgpException.class, () -> ConvexLayer.builder(convex).outputs(y).geometric(true).build());
        Parameter r = Parameter.scalar("r", Attribute.NONNEG);
        assertThrows(DppException.class, () -> ConvexLayer.builder(Problem.minimize(square(y).times(r.times(r))
                .minus(y))).outputs(y).build(), "a convex problem that is not DPP keeps its DPP diagnosis");
        Constraint c = box.w.times(box.d).le(box.floor);
        LayerDefinitionException duals = assertThrows(LayerDefinitionException.class,
                () -> ConvexLayer.builder(Problem.maximize(box.h.times(box.w).times(box.d),
                        box.h.times(box.w).plus(box.h.times(box.d)).times(2).le(box.wall), c))
                        .outputs(box.h).duals(c).build());
        assertTrue(duals.getMessage().contains("geometric"), duals.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    /** The result, after checking that every instance met the tolerance (finite differences need that). */
    static LayerResult solved(LayerResult r) {
        for (int b = 0; b < r.batchSize(); b++) {
            assertEquals(SolverStatus.SOLVED, r.status(b), "instance " + b + " of " + r);
        }
        return r;
    }

    static void assertRelative(double want, double got, String what) {
        assertEquals(want, got, REL * Math.max(1e-2, Math.abs(want)), what);
    }

    /**
     * Backward against central differences with multiplicative steps, every entry of every
     * parameter (the batched ones per instance), relative to the gradient's size.
     */
    static void assertGradientsMatchRelative(ConvexLayer layer, double[][] values, double[][] weights, int batch) {
        LayerResult r = solved(layer.forward(ForwardOptions.batch(batch), values));
        double[][] dOut = new double[weights.length][];
        for (int k = 0; k < weights.length; k++) {
            int s = weights[k].length;
            dOut[k] = new double[batch * s];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(weights[k], 0, dOut[k], b * s, s);
            }
        }
        Gradients g = r.backward(dOut);
        assertTrue(g.allAccurate(), "derivative quality");
        double largest = 0;
        for (int j = 0; j < values.length; j++) {
            double[] an = g.of(j);
            double[] fd = new double[values[j].length];
            for (int i = 0; i < values[j].length; i++) {
                double[][] plus = values.clone();
                double[][] minus = values.clone();
                plus[j] = values[j].clone();
                minus[j] = values[j].clone();
                double step = H * values[j][i];
                plus[j][i] += step;
                minus[j][i] -= step;
                double[] lp = linearLoss(solved(layer.forward(ForwardOptions.batch(batch), plus)), weights);
                double[] lm = linearLoss(solved(layer.forward(ForwardOptions.batch(batch), minus)), weights);
                double total = 0;
                for (int b = 0; b < batch; b++) {
                    total += (lp[b] - lm[b]) / (2 * step);
                }
                fd[i] = total;
            }
            double scale = 0;
            for (double v : fd) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < fd.length; i++) {
                assertEquals(fd[i], an[i], REL * Math.max(scale, 1e-3),
                        "d loss / d " + layer.parameters().get(j).name() + "[" + i + "]");
            }
            largest = Math.max(largest, scale);
        }
        assertTrue(largest > 1e-2, "the gradients are not all (near) zero: " + largest);
    }
}
