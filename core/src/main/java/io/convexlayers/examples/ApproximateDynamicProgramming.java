// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

import io.convexlayers.backend.Backends;
import io.convexlayers.solver.Backend;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.ForwardOptions;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.SolverSettings;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

import java.util.Locale;
import java.util.Random;

import static io.convexlayers.dsl.Atoms.norm2;
import static io.convexlayers.dsl.Atoms.sumSquares;

/**
 * Convex approximate dynamic programming (Agrawal et al. 2019, §6): learning a control policy
 * given by a convex program with parameters.
 *
 * <p>Linear dynamics x_{t+1} = A x_t + B u_t + w_t with Gaussian noise w_t, stage cost
 * x_tᵀQx_t + u_tᵀRu_t, and an input bound ‖u_t‖₂ ≤ u_max. The policy is the approximate dynamic
 * programming policy with a quadratic value function V(z) = ‖P^{1/2} z‖²:
 * <pre>
 *   φ(x) = argmin_u  uᵀRu + ‖P^{1/2} y‖²   s.t.  y = A x + B u,  ‖u‖₂ ≤ u_max
 * </pre>
 * an SOCP layer with parameters P^{1/2} (broadcast) and x (batched over rollouts). Starting from
 * the LQR value function (the Riccati solution, which ignores the input bound), P^{1/2} is trained
 * by stochastic gradient descent on the average cost of a batch of simulated rollouts,
 * differentiating through every step of every rollout (backpropagation through time).
 */
public final class ApproximateDynamicProgramming {

    /**
     * The experiment.
     *
     * @param states       n
     * @param inputs       m
     * @param horizon      steps per rollout T
     * @param batch        rollouts per iteration (the layer's batch size)
     * @param iterations   SGD iterations
     * @param learningRate SGD step, relative: each step moves P^{1/2} by this fraction of its norm
     *                     along the negative gradient direction
     * @param inputBound   u_max
     * @param noise        standard deviation of w
     * @param drift        A = I + drift·N(0, 1) entries
     * @param actuation    B = actuation·N(0, 1) entries (weak actuation saturates the input bound)
     * @param seed         seeds the system, the initial states and the noise
     */
    public record Config(int states, int inputs, int horizon, int batch, int iterations, double learningRate,
                         double inputBound, double noise, double drift, double actuation, long seed) {

        /** The demo's default experiment. */
        public static Config defaults() {
            return new Config(4, 2, 20, 32, 40, 0.05, 1, 0.1, 0.02, 0.1, 1);
        }

        public Config withIterations(int k) {
            return new Config(states, inputs, horizon, batch, k, learningRate, inputBound, noise, drift, actuation,
                    seed);
        }

        public Config withBatch(int b) {
            return new Config(states, inputs, horizon, b, iterations, learningRate, inputBound, noise, drift,
                    actuation, seed);
        }

        public Config withSeed(long s) {
            return new Config(states, inputs, horizon, batch, iterations, learningRate, inputBound, noise, drift,
                    actuation, s);
        }

        public Config withHorizon(int t) {
            return new Config(states, inputs, t, batch, iterations, learningRate, inputBound, noise, drift,
                    actuation, seed);
        }
    }

    /** Called after every SGD iteration. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param iteration   1-based
         * @param cost        average stage cost of this iteration's rollouts
         * @param seconds     wall-clock seconds of the iteration (rollouts forward and backward)
         * @param instances   problems in the iteration (batch × horizon), each solved and differentiated
         */
        void iteration(int iteration, double cost, double seconds, int instances);
    }

    /**
     * The outcome of training.
     *
     * @param costs                 training cost per iteration (each on a fresh batch of rollouts)
     * @param evaluationIterations  iterations after which the policy was evaluated (0 = the LQR start)
     * @param evaluationCosts       cost on the fixed evaluation rollouts at those iterations
     * @param forwardSeconds        mean seconds per batched forward call (one time step of the batch)
     * @param backwardSeconds       mean seconds per batched backward call
     * @param backend               the backend's name
     */
    public record Result(double[] costs, int[] evaluationIterations, double[] evaluationCosts, double forwardSeconds,
                         double backwardSeconds, String backend) {

        /** Cost of the LQR policy on the evaluation rollouts. */
        public double initialCost() {
            return evaluationCosts[0];
        }

        /** Cost of the trained policy on the same rollouts. */
        public double finalCost() {
            return evaluationCosts[evaluationCosts.length - 1];
        }

        /** Relative reduction of the evaluation cost, in percent. */
        public double reductionPercent() {
            return 100 * (initialCost() - finalCost()) / initialCost();
        }
    }

    private final Config config;
    private final double[] a;
    private final double[] b;
    private final double[] q;
    private final double[] r;
    private final Parameter pSqrt;
    private final Parameter x;
    private final Variable u;
    private final ConvexLayer policy;
    private long forwardNanos;
    private long backwardNanos;
    private long forwardCalls;
    private long backwardCalls;

    /** Builds the system (seeded) and the policy layer on the given backend, solving at eps 1e-7. */
    public ApproximateDynamicProgramming(Config config, Backend backend) {
        this(config, backend, SolverSettings.defaults().withEps(1e-7));
    }

    /**
     * As above with the policy layer's solver settings (a finite-difference check of the rollout's
     * gradient needs solutions more accurate than its step).
     */
    public ApproximateDynamicProgramming(Config config, Backend backend, SolverSettings settings) {
        this.config = config;
        int n = config.states();
        int m = config.inputs();
        Random rnd = new Random(config.seed());
        a = Dense.gaussian(rnd, n * n, config.drift());
        for (int i = 0; i < n; i++) {
            a[i * n + i] += 1;
        }
        b = Dense.gaussian(rnd, n * m, config.actuation());
        q = Dense.identity(n, 1);
        r = Dense.identity(m, 1);
        pSqrt = Parameter.matrix("P_sqrt", n, n);
        x = Parameter.vector("x", n);
        u = Variable.vector("u", m);
        Variable y = Variable.vector("y", n);
        Constant am = Constant.matrix(rows(a, n, n));
        Constant bm = Constant.matrix(rows(b, n, m));
        Problem problem = Problem.minimize(sumSquares(u).plus(sumSquares(pSqrt.times(y))),
                y.eq(am.times(x).plus(bm.times(u))), norm2(u).le(config.inputBound()));
        policy = ConvexLayer.builder(problem).parameters(pSqrt, x).outputs(u)
                .settings(settings).backend(backend).build();
    }

    /** The policy layer. */
    public ConvexLayer policy() {
        return policy;
    }

    /** P^{1/2} of the LQR value function: the upper Cholesky factor of the Riccati solution P. */
    public double[] lqrSqrt() {
        int n = config.states();
        int m = config.inputs();
        DMatrixRMaj am = new DMatrixRMaj(n, n, true, a);
        DMatrixRMaj bm = new DMatrixRMaj(n, m, true, b);
        DMatrixRMaj qm = new DMatrixRMaj(n, n, true, q);
        DMatrixRMaj rm = new DMatrixRMaj(m, m, true, r);
        DMatrixRMaj p = qm.copy();
        for (int it = 0; it < 100_000; it++) {
            // K = (R + BᵀPB)⁻¹BᵀPA;  P⁺ = Q + KᵀRK + (A − BK)ᵀP(A − BK)  (a sum of PSD terms: stable)
            DMatrixRMaj pb = new DMatrixRMaj(n, m);
            CommonOps_DDRM.mult(p, bm, pb);
            DMatrixRMaj s = rm.copy();
            CommonOps_DDRM.multAddTransA(bm, pb, s);
            DMatrixRMaj bpa = new DMatrixRMaj(m, n);
            CommonOps_DDRM.multTransA(pb, am, bpa);
            DMatrixRMaj k = new DMatrixRMaj(m, n);
            CommonOps_DDRM.solve(s, bpa, k);
            DMatrixRMaj closed = am.copy();
            CommonOps_DDRM.multAdd(-1, bm, k, closed);
            DMatrixRMaj pc = new DMatrixRMaj(n, n);
            CommonOps_DDRM.mult(p, closed, pc);
            DMatrixRMaj next = qm.copy();
            CommonOps_DDRM.multAddTransA(closed, pc, next);
            DMatrixRMaj rk = new DMatrixRMaj(m, n);
            CommonOps_DDRM.mult(rm, k, rk);
            CommonOps_DDRM.multAddTransA(k, rk, next);
            double change = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    double v = 0.5 * (next.get(i, j) + next.get(j, i));
                    next.set(i, j, v);
                    next.set(j, i, v);
                }
            }
            for (int i = 0; i < n * n; i++) {
                change = Math.max(change, Math.abs(next.data[i] - p.data[i]));
            }
            p = next;
            if (change < 1e-12 * Math.max(1, CommonOps_DDRM.elementMaxAbs(p))) {
                break;
            }
        }
        // P = LLᵀ ⇒ P^{1/2} = Lᵀ
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        if (!chol.decompose(p)) {
            throw new IllegalStateException("the Riccati solution is not positive definite");
        }
        DMatrixRMaj l = chol.getT(null);
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = l.get(j, i);
            }
        }
        return out;
    }

    /** Initial states and noise of a batch of rollouts. */
    record Scenario(double[] x0, double[][] noise) {
    }

    Scenario scenario(Random rnd, int batch) {
        int n = config.states();
        double[] x0 = Dense.gaussian(rnd, batch * n, 1);
        double[][] w = new double[config.horizon()][];
        for (int t = 0; t < w.length; t++) {
            w[t] = Dense.gaussian(rnd, batch * n, config.noise());
        }
        return new Scenario(x0, w);
    }

    /**
     * Simulates a batch of rollouts under the policy with value-function factor {@code pSqrtValue}
     * and returns the average stage cost; with {@code gradient} non-null, also adds the cost's
     * gradient with respect to P^{1/2} into it (backpropagation through time).
     */
    public double rollout(double[] pSqrtValue, double[] x0, double[][] noise, double[] gradient) {
        int n = config.states();
        int m = config.inputs();
        int batch = x0.length / n;
        int horizon = noise.length;
        double scale = 1.0 / ((double) batch * horizon);
        LayerResult[] steps = new LayerResult[horizon];
        double[][] xs = new double[horizon + 1][];
        double[][] us = new double[horizon][];
        xs[0] = x0;
        double cost = 0;
        for (int t = 0; t < horizon; t++) {
            long t0 = System.nanoTime();
            steps[t] = policy.forward(ForwardOptions.batch(batch), pSqrtValue, xs[t]);
            forwardNanos += System.nanoTime() - t0;
            forwardCalls++;
            us[t] = steps[t].value(u);
            double[] next = new double[batch * n];
            for (int k = 0; k < batch; k++) {
                double[] ax = Dense.times(a, n, n, xs[t], k * n);
                double[] bu = Dense.times(b, n, m, us[t], k * m);
                for (int i = 0; i < n; i++) {
                    next[k * n + i] = ax[i] + bu[i] + noise[t][k * n + i];
                }
                cost += quadratic(q, xs[t], k * n, n) + quadratic(r, us[t], k * m, m);
            }
            xs[t + 1] = next;
        }
        if (gradient == null) {
            return cost * scale;
        }
        double[] lambda = new double[batch * n]; // d cost / d x_{t+1}
        for (int t = horizon - 1; t >= 0; t--) {
            double[] du = new double[batch * m];
            for (int k = 0; k < batch; k++) {
                double[] btl = Dense.transposeTimes(b, n, m, lambda, k * n);
                double[] ru = Dense.times(r, m, m, us[t], k * m);
                for (int j = 0; j < m; j++) {
                    du[k * m + j] = 2 * scale * ru[j] + btl[j];
                }
            }
            long t0 = System.nanoTime();
            Gradients g = steps[t].backward(du);
            backwardNanos += System.nanoTime() - t0;
            backwardCalls++;
            double[] dp = g.of(pSqrt);
            for (int i = 0; i < dp.length; i++) {
                gradient[i] += dp[i];
            }
            double[] dxLayer = g.of(x);
            double[] prev = new double[batch * n];
            for (int k = 0; k < batch; k++) {
                double[] atl = Dense.transposeTimes(a, n, n, lambda, k * n);
                double[] qx = Dense.times(q, n, n, xs[t], k * n);
                for (int i = 0; i < n; i++) {
                    prev[k * n + i] = 2 * scale * qx[i] + atl[i] + dxLayer[k * n + i];
                }
            }
            lambda = prev;
        }
        return cost * scale;
    }

    private static double quadratic(double[] m, double[] v, int off, int n) {
        double[] mv = Dense.times(m, n, n, v, off);
        return Dense.dot(mv, 0, v, off, n);
    }

    /** Trains from the LQR start and evaluates the policy before and after. */
    public Result train(Progress progress) {
        return train(progress, 0);
    }

    /**
     * Trains from the LQR start; evaluates the policy on a fixed batch of rollouts at the start,
     * every {@code evaluateEvery} iterations (0 = never in between) and at the end.
     */
    public Result train(Progress progress, int evaluateEvery) {
        int n = config.states();
        Random rnd = new Random(config.seed() + 1);
        Scenario evaluation = scenario(new Random(config.seed() + 2), config.batch());
        double[] p = lqrSqrt();
        java.util.List<Integer> evalAt = new java.util.ArrayList<>();
        java.util.List<Double> evalCost = new java.util.ArrayList<>();
        evalAt.add(0);
        evalCost.add(rollout(p, evaluation.x0(), evaluation.noise(), null));
        double[] costs = new double[config.iterations()];
        long fwdNanos = 0;
        long fwdCalls = 0;
        forwardNanos = backwardNanos = forwardCalls = backwardCalls = 0;
        for (int it = 0; it < config.iterations(); it++) {
            long t0 = System.nanoTime();
            Scenario s = scenario(rnd, config.batch());
            double[] grad = new double[n * n];
            costs[it] = rollout(p, s.x0(), s.noise(), grad);
            double gn = norm(grad);
            if (gn > 0) {
                double step = config.learningRate() * norm(p) / gn;
                for (int i = 0; i < p.length; i++) {
                    p[i] -= step * grad[i];
                }
            }
            double seconds = (System.nanoTime() - t0) * 1e-9;
            fwdNanos = forwardNanos;
            fwdCalls = forwardCalls;
            boolean last = it + 1 == config.iterations();
            if (last || (evaluateEvery > 0 && (it + 1) % evaluateEvery == 0)) {
                evalAt.add(it + 1);
                evalCost.add(rollout(p, evaluation.x0(), evaluation.noise(), null));
            }
            forwardNanos = fwdNanos; // timings cover the training calls only
            forwardCalls = fwdCalls;
            if (progress != null) {
                progress.iteration(it + 1, costs[it], seconds, config.batch() * config.horizon());
            }
        }
        if (config.iterations() == 0) {
            evalAt.add(0);
            evalCost.add(evalCost.get(0));
        }
        double fwd = forwardCalls == 0 ? 0 : forwardNanos * 1e-9 / forwardCalls;
        double bwd = backwardCalls == 0 ? 0 : backwardNanos * 1e-9 / backwardCalls;
        return new Result(costs, evalAt.stream().mapToInt(Integer::intValue).toArray(),
                evalCost.stream().mapToDouble(Double::doubleValue).toArray(), fwd, bwd, policy.backend().name());
    }

    private static double norm(double[] v) {
        return Math.sqrt(Dense.dot(v, 0, v, 0, v.length));
    }

    private static double[][] rows(double[] m, int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(m, i * cols, out[i], 0, cols);
        }
        return out;
    }

    /** Trains the default experiment on the CPU and prints the cost before and after. */
    public static void main(String[] args) {
        Config c = Config.defaults();
        ApproximateDynamicProgramming adp = new ApproximateDynamicProgramming(c, Backends.cpu());
        Result res = adp.train((it, cost, sec, inst) -> System.out.printf(Locale.ROOT,
                "iteration %3d  cost %.4f  %.0f ms%n", it, cost, sec * 1e3));
        System.out.printf(Locale.ROOT, "evaluation cost: LQR start %.4f, trained %.4f (%.1f%% lower)%n",
                res.initialCost(), res.finalCost(), res.reductionPercent());
        System.out.printf(Locale.ROOT, "per batch of %d: forward %.2f ms, backward %.2f ms%n", c.batch(),
                res.forwardSeconds() * 1e3, res.backwardSeconds() * 1e3);
    }
}
