// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.convexlayers.dsl.Atoms.*;
import static io.convexlayers.layer.LayerTesting.*;
import static org.junit.jupiter.api.Assertions.*;

/** Batching, broadcasting, sharing, settings, warm start, dual outputs and concurrent use. */
class LayerBehaviourTest {
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-10);
    private static final int M = 5;
    private static final int N = 3;

    /** A QP: minimize ½‖x‖² + qᵀx  s.t.  Gx ≤ h (a projection-like map with active constraints). */
    private record Qp(Parameter q, Parameter g, Parameter h, Variable x, Constraint ineq, Problem problem) {
        static Qp create() {
            Parameter q = Parameter.vector("q", N);
            Parameter g = Parameter.matrix("G", M, N);
            Parameter h = Parameter.vector("h", M);
            Variable x = Variable.vector("x", N);
            Constraint ineq = g.times(x).le(h);
            return new Qp(q, g, h, x, ineq, Problem.minimize(sumSquares(x).times(0.5).plus(q.dot(x)), ineq));
        }

        ConvexLayer layer(SolverSettings s) {
            return ConvexLayer.builder(problem).parameters(q, g, h).outputs(x).settings(s).build();
        }
    }

    private static double[] slice(double[] v, int b, int s) {
        return Arrays.copyOfRange(v, b * s, (b + 1) * s);
    }

    @Test
    void batchedResultsEqualPerInstanceResults() {
        Random rnd = new Random(21);
        Qp qp = Qp.create();
        ConvexLayer layer = qp.layer(TIGHT);
        int batch = 6;
        double[] q = gaussian(rnd, batch * N);
        double[] g = gaussian(rnd, batch * M * N);
        double[] h = uniform(rnd, batch * M, 0.1, 1);
        double[] dx = gaussian(rnd, batch * N);
        LayerResult all = layer.forward(q, g, h);
        Gradients ga = all.backward(dx);
        assertArrayEquals(new int[] {batch, N}, all.shape(qp.x()));
        for (int b = 0; b < batch; b++) {
            LayerResult one = layer.forward(slice(q, b, N), slice(g, b, M * N), slice(h, b, M));
            assertFalse(one.isBatched());
            Gradients g1 = one.backward(slice(dx, b, N));
            assertClose(one.value(qp.x()), slice(all.value(qp.x()), b, N), 1e-7, "x of instance " + b);
            assertEquals(one.objective(0), all.objective(b), 1e-7, "objective of instance " + b);
            assertClose(g1.of(qp.q()), slice(ga.of(qp.q()), b, N), 1e-6, "dq of instance " + b);
            assertClose(g1.of(qp.g()), slice(ga.of(qp.g()), b, M * N), 1e-6, "dG of instance " + b);
            assertClose(g1.of(qp.h()), slice(ga.of(qp.h()), b, M), 1e-6, "dh of instance " + b);
        }
    }

    @Test
    void broadcastParametersGetGradientsSummedOverTheBatch() {
        Random rnd = new Random(22);
        Qp qp = Qp.create();
        ConvexLayer layer = qp.layer(TIGHT);
        int batch = 5;
        double[] q = gaussian(rnd, batch * N);
        double[] g = gaussian(rnd, M * N);      // unbatched: broadcast
        double[] h = uniform(rnd, M, 0.1, 1);   // unbatched: broadcast
        double[] dx = gaussian(rnd, batch * N);
        LayerResult r = layer.forward(q, g, h);
        assertTrue(r.isBatched());
        Gradients grads = r.backward(dx);
        assertArrayEquals(new int[] {M, N}, grads.shape(qp.g()));
        assertArrayEquals(new int[] {batch, N}, grads.shape(qp.q()));
        double[] sumG = new double[M * N];
        double[] sumH = new double[M];
        for (int b = 0; b < batch; b++) {
            Gradients one = layer.forward(slice(q, b, N), g, h).backward(slice(dx, b, N));
            for (int i = 0; i < M * N; i++) {
                sumG[i] += one.of(qp.g())[i];
            }
            for (int i = 0; i < M; i++) {
                sumH[i] += one.of(qp.h())[i];
            }
            assertClose(one.of(qp.q()), slice(grads.of(qp.q()), b, N), 1e-6, "dq of instance " + b);
        }
        assertClose(sumG, grads.of(qp.g()), 1e-6, "dG summed");
        assertClose(sumH, grads.of(qp.h()), 1e-6, "dh summed");
        assertTrue(Arrays.stream(sumG).map(Math::abs).max().orElse(0) > 1e-2, "nontrivial gradient");
    }

    @Test
    void broadcastAWithBatchedBMatchesFiniteDifferences() {
        Random rnd = new Random(23);
        Parameter a = Parameter.matrix("A", M, N);
        Parameter b = Parameter.vector("b", M);
        Variable x = Variable.vector("x", N);
        ConvexLayer layer = ConvexLayer.builder(Problem.minimize(sumSquares(a.times(x).minus(b)).plus(sumSquares(x))))
                .parameters(a, b).outputs(x).settings(TIGHT).build();
        int batch = 3;
        double[] av = gaussian(rnd, M * N);
        double[] bv = gaussian(rnd, batch * M);
        double[] w = gaussian(rnd, N);
        double[] dx = new double[batch * N];
        for (int k = 0; k < batch; k++) {
            System.arraycopy(w, 0, dx, k * N, N);
        }
        double[] dA = layer.forward(av, bv).backward(dx).of(a);
        double h = 1e-5;
        for (int i = 0; i < M * N; i++) {
            double[] plus = av.clone();
            double[] minus = av.clone();
            plus[i] += h;
            minus[i] -= h;
            double lp = sum(linearLoss(layer.forward(plus, bv), new double[][] {w}));
            double lm = sum(linearLoss(layer.forward(minus, bv), new double[][] {w}));
            assertEquals((lp - lm) / (2 * h), dA[i], 1e-5, "dA[" + i + "] summed over the batch");
        }
    }

    private static double sum(double[] v) {
        return Arrays.stream(v).sum();
    }

    @Test
    void aBatchOfOneKeepsItsDimension() {
        Random rnd = new Random(24);
        Qp qp = Qp.create();
        ConvexLayer layer = qp.layer(SolverSettings.defaults());
        double[] q = gaussian(rnd, N);
        double[] g = gaussian(rnd, M * N);
        double[] h = uniform(rnd, M, 0.1, 1);
        LayerResult plain = layer.forward(q, g, h);
        assertFalse(plain.isBatched());
        assertArrayEquals(new int[] {N}, plain.shape(qp.x()));
        LayerResult one = layer.forward(ForwardOptions.batch(1), q, g, h);
        assertTrue(one.isBatched());
        assertEquals(1, one.batchSize());
        assertArrayEquals(new int[] {1, N}, one.shape(qp.x()));
        assertArrayEquals(new int[] {1, N}, one.shape(0));
        assertClose(plain.value(qp.x()), one.value(qp.x()), 1e-12, "same values");
        Gradients g1 = one.backward(gaussian(rnd, N));
        assertArrayEquals(new int[] {M, N}, g1.shape(qp.g()), "a broadcast parameter keeps its own shape");
    }

    @Test
    void aParameterSharedByTwoLayers() {
        Random rnd = new Random(25);
        Parameter a = Parameter.matrix("A", M, N);
        Parameter b1 = Parameter.vector("b1", M);
        Parameter b2 = Parameter.vector("b2", M);
        Variable x1 = Variable.vector("x1", N);
        Variable x2 = Variable.vector("x2", N);
        Problem p1 = Problem.minimize(sumSquares(a.times(x1).minus(b1)).plus(sumSquares(x1)));
        Problem p2 = Problem.minimize(norm1(a.times(x2).minus(b2)).plus(sumSquares(x2)), x2.ge(0));
        ConvexLayer l1 = ConvexLayer.builder(p1).parameters(a, b1).outputs(x1).settings(TIGHT).build();
        ConvexLayer l2 = ConvexLayer.builder(p2).parameters(a, b2).outputs(x2).settings(TIGHT).build();
        // a second layer over the same problem, with the other argument order, is independent
        ConvexLayer l1b = ConvexLayer.builder(p1).parameters(b1, a).outputs(x1).settings(TIGHT).build();
        double[] av = gaussian(rnd, M * N);
        double[] bv1 = gaussian(rnd, M);
        double[] bv2 = gaussian(rnd, M);
        double[] w1 = gaussian(rnd, N);
        double[] w2 = gaussian(rnd, N);
        assertGradientsMatchFiniteDifferences(l1, new double[][] {av, bv1}, new double[][] {w1}, 1e-5, 1e-5);
        assertGradientsMatchFiniteDifferences(l2, new double[][] {av, bv2}, new double[][] {w2}, 1e-5, 1e-4);
        LayerResult r1 = l1.forward(av, bv1);
        LayerResult r1b = l1b.forward(bv1, av);
        assertClose(r1.value(x1), r1b.value(x1), 1e-8, "argument order is the layer's own");
        assertClose(r1.backward(w1).of(a), r1b.backward(w1).of(a), 1e-7, "dA through either layer");
        assertFalse(a.hasValue(), "a layer never sets parameter values");
    }

    @Test
    void equalityConstrainedProblemMatchesKkt() {
        Random rnd = new Random(26);
        int e = 2;
        Parameter q = Parameter.vector("q", N);
        Parameter a = Parameter.matrix("A", e, N);
        Parameter b = Parameter.vector("b", e);
        Variable x = Variable.vector("x", N);
        Constraint eq = a.times(x).eq(b);
        Problem problem = Problem.minimize(sumSquares(x).times(0.5).plus(q.dot(x)), eq);
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(q, a, b).outputs(x).duals(eq).settings(TIGHT)
                .build();
        double[] qv = gaussian(rnd, N);
        double[] av = gaussian(rnd, e * N);
        double[] bv = gaussian(rnd, e);
        LayerResult r = layer.forward(qv, av, bv);
        // KKT: x + q + Aᵀν = 0, Ax = b ⇒ ν = (AAᵀ)⁻¹(−b − Aq), x = −q − Aᵀν
        double[][] aat = new double[e][e];
        double[] rhs = new double[e];
        for (int i = 0; i < e; i++) {
            for (int j = 0; j < e; j++) {
                for (int k = 0; k < N; k++) {
                    aat[i][j] += av[i * N + k] * av[j * N + k];
                }
            }
            rhs[i] = -bv[i];
            for (int k = 0; k < N; k++) {
                rhs[i] -= av[i * N + k] * qv[k];
            }
        }
        double det = aat[0][0] * aat[1][1] - aat[0][1] * aat[1][0];
        double[] nu = {(aat[1][1] * rhs[0] - aat[0][1] * rhs[1]) / det, (aat[0][0] * rhs[1] - aat[1][0] * rhs[0]) / det};
        double[] xs = new double[N];
        for (int k = 0; k < N; k++) {
            xs[k] = -qv[k] - av[k] * nu[0] - av[N + k] * nu[1];
        }
        assertClose(xs, r.value(x), 1e-7, "x");
        // CVXPY's sign: ν enters the Lagrangian as f + νᵀ(lhs − rhs), so x + q + Aᵀν = 0 as solved above
        assertClose(nu, r.dual(eq), 1e-7, "ν (multiplier of Ax − b = 0)");
        assertGradientsMatchFiniteDifferences(layer, new double[][] {qv, av, bv},
                new double[][] {gaussian(rnd, N), gaussian(rnd, e)}, 1e-5, 1e-5);
    }

    @Test
    void inequalityDualsAreDifferentiable() {
        Random rnd = new Random(27);
        Qp qp = Qp.create();
        ConvexLayer layer = ConvexLayer.builder(qp.problem()).parameters(qp.q(), qp.g(), qp.h()).outputs(qp.x())
                .duals(qp.ineq()).settings(TIGHT).build();
        double[] q = gaussian(rnd, N);
        double[] g = gaussian(rnd, M * N);
        double[] h = uniform(rnd, M, 0.1, 1);
        LayerResult r = layer.forward(q, g, h);
        double[] lambda = r.dual(qp.ineq());
        assertTrue(Arrays.stream(lambda).anyMatch(v -> v > 1e-3), "some constraint is active: " + Arrays.toString(lambda));
        assertGradientsMatchFiniteDifferences(layer, new double[][] {q, g, h},
                new double[][] {gaussian(rnd, N), gaussian(rnd, M)}, 1e-5, 1e-4);
    }

    @Test
    void oneExecutionSettingServesForwardAndBackward() {
        Random rnd = new Random(29);
        Qp qp = Qp.create();
        ExecutionSettings execution = ExecutionSettings.defaults().withThreads(1).withTileLanes(3);
        ConvexLayer tiled = ConvexLayer.builder(qp.problem()).parameters(qp.q(), qp.g(), qp.h()).outputs(qp.x())
                .duals(qp.ineq()).settings(TIGHT).execution(execution).build();
        ConvexLayer plain = ConvexLayer.builder(qp.problem()).parameters(qp.q(), qp.g(), qp.h()).outputs(qp.x())
                .duals(qp.ineq()).settings(TIGHT).build();
        assertEquals(execution, tiled.execution());
        assertEquals(ExecutionSettings.defaults(), plain.execution());
        int batch = 7;
        double[] q = gaussian(rnd, batch * N);
        double[] g = gaussian(rnd, batch * M * N);
        double[] h = uniform(rnd, batch * M, 0.1, 1);
        double[] dx = gaussian(rnd, batch * N);
        double[] dl = gaussian(rnd, batch * M);
        LayerResult a = tiled.forward(q, g, h);
        LayerResult b = plain.forward(q, g, h);
        assertClose(b.value(qp.x()), a.value(qp.x()), 1e-9, "x");
        assertClose(b.dual(qp.ineq()), a.dual(qp.ineq()), 1e-9, "λ");
        Gradients ga = a.backward(dx, dl);
        Gradients gb = b.backward(dx, dl);
        for (Parameter p : List.of(qp.q(), qp.g(), qp.h())) {
            assertClose(gb.of(p), ga.of(p), 1e-8, "d" + p.name());
        }
        assertThrows(LayerDefinitionException.class, () -> ConvexLayer.builder(qp.problem()).execution(null));
    }

    @Test
    void perCallSettingsAreUsed() {
        Random rnd = new Random(28);
        Qp qp = Qp.create();
        ConvexLayer layer = qp.layer(TIGHT);
        int batch = 4;
        double[] q = gaussian(rnd, batch * N);
        double[] g = gaussian(rnd, batch * M * N);
        double[] h = uniform(rnd, batch * M, 0.1, 1);
        LayerResult accurate = layer.forward(q, g, h);
        // without polishing: a polished single iterate can already be the exact solution of these small QPs
        LayerResult oneStep = layer.forward(ForwardOptions.defaults().withSettings(TIGHT.withMaxIters(1)
                .withPolish(false)), q, g, h);
        double worst = 0;
        for (int b = 0; b < batch; b++) {
            assertEquals(SolverStatus.SOLVED, accurate.status(b));
            assertEquals(SolverStatus.SOLVED_INACCURATE, oneStep.status(b));
            assertEquals(1, oneStep.iterations(b));
            assertTrue(accurate.iterations(b) > 1);
        }
        double[] xa = accurate.value(qp.x());
        double[] x1 = oneStep.value(qp.x());
        for (int i = 0; i < xa.length; i++) {
            worst = Math.max(worst, Math.abs(xa[i] - x1[i]));
        }
        assertTrue(worst > 1e-2, "one iteration is far from the answer: " + worst);
        // the layer's own settings are untouched by the per-call override
        assertClose(xa, layer.forward(q, g, h).value(qp.x()), 1e-9, "layer settings still used");
    }

    @Test
    void warmStartGivesTheSameAnswersInFewerIterations() {
        Random rnd = new Random(29);
        Qp qp = Qp.create();
        SolverSettings s = SolverSettings.defaults().withEps(1e-8)
                .withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER); // what a warm start serves
        ConvexLayer cold = qp.layer(s);
        ConvexLayer warm = ConvexLayer.builder(qp.problem()).parameters(qp.q(), qp.g(), qp.h()).outputs(qp.x())
                .settings(s).warmStart(true).build();
        int batch = 8;
        double[] q = gaussian(rnd, batch * N);
        double[] g = gaussian(rnd, batch * M * N);
        double[] h = uniform(rnd, batch * M, 0.1, 1);
        LayerResult first = warm.forward(q, g, h);
        assertFalse(first.warmStarted());
        // a training step later: slightly different parameters
        double[] q2 = q.clone();
        for (int i = 0; i < q2.length; i++) {
            q2[i] += 1e-3 * rnd.nextGaussian();
        }
        LayerResult w = warm.forward(q2, g, h);
        LayerResult c = cold.forward(q2, g, h);
        assertTrue(w.warmStarted());
        assertFalse(c.warmStarted());
        assertClose(c.value(qp.x()), w.value(qp.x()), 1e-6, "same answer");
        assertTrue(w.totalIterations() < c.totalIterations(),
                "warm " + w.totalIterations() + " < cold " + c.totalIterations() + " iterations");
        // another batch size: no warm start
        LayerResult other = warm.forward(slice(q2, 0, N), slice(g, 0, M * N), slice(h, 0, M));
        assertFalse(other.warmStarted());
        warm.clearWarmStart();
        assertFalse(warm.forward(q2, g, h).warmStarted());
    }

    @Test
    void backwardMayBeCalledAgainOnAnOlderResult() {
        Random rnd = new Random(30);
        Qp qp = Qp.create();
        ConvexLayer layer = qp.layer(TIGHT);
        double[] q = gaussian(rnd, 2 * N);
        double[] g = gaussian(rnd, M * N);
        double[] h = uniform(rnd, M, 0.1, 1);
        double[] dx = gaussian(rnd, 2 * N);
        LayerResult old = layer.forward(q, g, h);
        double[] first = old.backward(dx).of(qp.g());
        layer.forward(gaussian(rnd, 2 * N), g, h).backward(dx);
        assertArrayEquals(first, old.backward(dx).of(qp.g()), "backward on a result is repeatable");
        assertClose(scale(first, 2), old.backward(scale(dx, 2)).of(qp.g()), 1e-9, "linear in the cotangent");
    }

    private static double[] scale(double[] v, double s) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= s;
        }
        return out;
    }

    @Test
    void concurrentCallsFromSeveralThreadsGiveTheSequentialResults() throws Exception {
        Random rnd = new Random(31);
        Qp qp = Qp.create();
        ConvexLayer layer = ConvexLayer.builder(qp.problem()).parameters(qp.q(), qp.g(), qp.h()).outputs(qp.x())
                .settings(TIGHT).warmStart(true).build();
        int calls = 12;
        int batch = 3;
        List<double[][]> args = new ArrayList<>();
        List<double[]> expectX = new ArrayList<>();
        List<double[]> expectG = new ArrayList<>();
        ConvexLayer reference = qp.layer(TIGHT);
        for (int k = 0; k < calls; k++) {
            double[][] a = {gaussian(rnd, batch * N), gaussian(rnd, M * N), uniform(rnd, batch * M, 0.1, 1)};
            args.add(a);
            LayerResult r = reference.forward(a);
            expectX.add(r.value(qp.x()));
            expectG.add(r.backward(a[0]).of(qp.g()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<double[][]>> futures = new ArrayList<>();
            for (int k = 0; k < calls; k++) {
                double[][] a = args.get(k);
                futures.add(pool.submit(() -> {
                    LayerResult r = layer.forward(a);
                    return new double[][] {r.value(qp.x()), r.backward(a[0]).of(qp.g())};
                }));
            }
            for (int k = 0; k < calls; k++) {
                double[][] got = futures.get(k).get();
                assertClose(expectX.get(k), got[0], 1e-7, "x of call " + k);
                assertClose(expectG.get(k), got[1], 1e-6, "dG of call " + k);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
