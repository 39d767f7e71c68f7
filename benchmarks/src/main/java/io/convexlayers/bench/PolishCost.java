// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import static io.convexlayers.dsl.Atoms.constant;
import static io.convexlayers.dsl.Atoms.diag;
import static io.convexlayers.dsl.Atoms.entr;
import static io.convexlayers.dsl.Atoms.geoMean;
import static io.convexlayers.dsl.Atoms.lambdaMax;
import static io.convexlayers.dsl.Atoms.logSumExp;
import static io.convexlayers.dsl.Atoms.sum;
import static io.convexlayers.dsl.Atoms.sumSquares;

/**
 * What forward polishing costs per cone family: the measurement behind {@link Polishing#AUTO} (issue
 * #14). Each case is solved by the first-order method at eps 1e-5 (the default tolerance) with
 * polishing OFF, ON and AUTO, and with the library's defaults (AUTO chooses the method), interleaved
 * in one process ({@code R} timed rounds after warm-up rounds of at least {@value #WARM_UP_SECONDS} s and three rounds). It prints median wall times over all
 * cores, the polish outcomes under ON, the median and largest residual (the larger of primal and
 * dual) unpolished and polished, and what the defaults cost and give. Cases are benchmark workloads
 * ({@link Workloads}, solved as cone programs) or layers over DSL families with exponential, PSD and
 * power cones ({@code entropy-bB}, {@code logsumexp-bB}, {@code corr-bB}, {@code lmax-bB},
 * {@code geomean-bB}).
 * {@code java -cp benchmarks.jar io.convexlayers.bench.PolishCost [--repeats R] [case ...]}
 */
public final class PolishCost {
    private static final double EPS = 1e-5;
    private static final int WARM_UPS = 3;
    /**
     * Warm-up rounds continue until this much time has passed: three rounds of a 40 ms case (about half
     * a second) left the JIT compiler's work in the timed rounds, which then read twice a warm loop's
     * time (socp-n10-b128 unpolished: 38 ms here, 19–21 ms in a loop of 300 rounds).
     */
    private static final double WARM_UP_SECONDS = 8;

    private PolishCost() {
    }

    /**
     * The configurations compared: the first-order method with polishing OFF, ON and AUTO, and the
     * library's defaults (algorithm and polishing AUTO) at the same tolerance.
     */
    private static final SolverSettings[] CONFIGS = {firstOrder(Polishing.OFF), firstOrder(Polishing.ON),
            firstOrder(Polishing.AUTO), SolverSettings.defaults().withEps(EPS)};

    /** One case's solve under {@code CONFIGS[config]}: per instance its solution. */
    private interface Case {
        Solution[] solve(int config);
    }

    public static void main(String[] args) {
        TimingOptions options = TimingOptions.parse(args, 5, Algorithm.AUTO);
        int repeats = Math.max(3, options.repeats());
        String[] cases = options.workloads().length > 0 ? options.workloads() : new String[] {"small-qp-n10-b128", "small-qp-n50-b128",
                "dense-qp", "lp-n50-b128", "socp-n10-b128", "socp-n50-b128", "socp-n200-b16", "entropy-b128",
                "logsumexp-b128", "corr-b128", "lmax-b128", "geomean-b128", "geomean-b16"};
        System.out.println("| case | off (ms) | on (ms) | on ÷ off | auto ÷ off | polished on: succeeded/rejected/not run"
                + " | median residual off → on | max residual off → on | defaults ÷ off | defaults: method, median"
                + " residual |");
        System.out.println("|---|---:|---:|---:|---:|---|---|---|---:|---|");
        for (String name : cases) {
            Case c = create(name);
            double[][] ms = new double[CONFIGS.length][repeats];
            Solution[][] last = new Solution[CONFIGS.length][];
            long warmUntil = System.nanoTime() + (long) (WARM_UP_SECONDS * 1e9);
            for (int w = 0; w < WARM_UPS || System.nanoTime() < warmUntil; w++) {
                for (int k = 0; k < CONFIGS.length; k++) {
                    c.solve(k);
                }
            }
            for (int r = 0; r < repeats; r++) {
                for (int k = 0; k < CONFIGS.length; k++) {
                    long t0 = System.nanoTime();
                    last[k] = c.solve(k);
                    ms[k][r] = (System.nanoTime() - t0) * 1e-6;
                }
            }
            int[] outcomes = new int[PolishStatus.values().length];
            for (Solution s : last[1]) {
                outcomes[s.polish().ordinal()]++;
            }
            double off = TimingOptions.median(ms[0]);
            double[] plain = residuals(last[0]);
            double[] polished = residuals(last[1]);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.2f | %d/%d/%d | %.1e → %.1e | %.1e → %.1e"
                            + " | %.2f | %s, %.1e |%n",
                    name, off, TimingOptions.median(ms[1]), TimingOptions.median(ms[1]) / off, TimingOptions.median(ms[2]) / off,
                    outcomes[PolishStatus.SUCCEEDED.ordinal()], outcomes[PolishStatus.REJECTED.ordinal()],
                    outcomes[PolishStatus.NOT_RUN.ordinal()], TimingOptions.median(plain), TimingOptions.median(polished), max(plain), max(polished),
                    TimingOptions.median(ms[3]) / off, last[3][0].algorithm().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    TimingOptions.median(residuals(last[3])));
        }
    }

    private static SolverSettings firstOrder(Polishing rule) {
        return SolverSettings.defaults().withEps(EPS).withAlgorithm(Algorithm.FIRST_ORDER).withPolishing(rule);
    }

    private static Case create(String name) {
        int dash = name.lastIndexOf("-b");
        String family = dash < 0 ? name : name.substring(0, dash);
        return switch (family) {
            case "entropy", "logsumexp", "corr", "lmax", "geomean" ->
                    layerCase(family, Integer.parseInt(name.substring(dash + 2)));
            default -> programCase(ConvexLayersContender.toConeProgram(Workloads.create(name)));
        };
    }

    private static Case programCase(BatchConeProgram program) {
        return config -> {
            var sol = Backends.cpu().solve(program, CONFIGS[config], ExecutionSettings.defaults(), null, null);
            Solution[] out = new Solution[program.batch()];
            for (int b = 0; b < out.length; b++) {
                out[b] = sol.get(b);
            }
            return out;
        };
    }

    /** A layer over one DSL family, its parameters drawn for {@code batch} instances. */
    private static Case layerCase(String family, int batch) {
        Random rnd = new Random(7);
        Parameter theta;
        Problem problem;
        Variable x;
        double[] values;
        switch (family) {
            case "entropy" -> {
                // max Σ entr(x) + θᵀx s.t. Ax = b: 50 exponential cones
                int n = 50;
                int m = 5;
                double[][] a = uniform(rnd, m, n, 0.2, 1.2);
                double[] b = new double[m];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        b[i] += a[i][j] * (0.5 + rnd.nextDouble());
                    }
                }
                x = Variable.vector("x", n);
                theta = Parameter.vector("theta", n);
                problem = Problem.maximize(sum(entr(x)).plus(theta.dot(x)), constant(a).matmul(x).eq(constant(b)));
                values = gaussian(rnd, batch * n, 0.3);
            }
            case "logsumexp" -> {
                // min log Σ exp(Fx + θ) + ‖x‖²: 40 exponential cones and a second-order cone
                int n = 20;
                int k = 40;
                x = Variable.vector("x", n);
                theta = Parameter.vector("theta", k);
                problem = Problem.minimize(logSumExp(constant(uniform(rnd, k, n, -1, 1)).matmul(x).plus(theta))
                        .plus(sumSquares(x)));
                values = gaussian(rnd, batch * k, 1);
            }
            case "corr" -> {
                // the nearest correlation matrix to Θ: min ‖X − Θ‖² s.t. X ⪰ 0, diag X = 1 (8 × 8)
                int k = 8;
                x = Variable.symmetric("X", k);
                theta = Parameter.matrix("Theta", k, k);
                double[] ones = new double[k];
                Arrays.fill(ones, 1);
                problem = Problem.minimize(sumSquares(x.minus(theta)), Constraint.psd(x), diag(x).eq(constant(ones)));
                values = new double[batch * k * k];
                for (int b = 0; b < batch; b++) {
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j <= i; j++) {
                            double v = i == j ? 1 : 0.6 * rnd.nextGaussian();
                            values[b * k * k + i * k + j] = v;
                            values[b * k * k + j * k + i] = v;
                        }
                    }
                }
            }
            case "lmax" -> {
                // min λ_max(Θ + Σ x_q B_q) + ‖x‖² over x ∈ R³, 8 × 8 (B_q symmetric): a PSD cone and 28
                // vacuous symmetry rows
                int k = 8;
                x = Variable.vector("x", 3);
                theta = Parameter.matrix("Theta", k, k);
                Expression m = theta;
                for (int q = 0; q < 3; q++) {
                    m = m.plus(constant(symmetric(rnd, k)).times(x.get(q)));
                }
                problem = Problem.minimize(lambdaMax(m).plus(sumSquares(x)));
                values = new double[batch * k * k];
                for (int b = 0; b < batch; b++) {
                    double[][] t = symmetric(rnd, k);
                    for (int i = 0; i < k; i++) {
                        System.arraycopy(t[i], 0, values, b * k * k + i * k, k);
                    }
                }
            }
            case "geomean" -> {
                // max geo_mean(x) − cᵀx s.t. Σx ≤ 10: nine power cones
                int n = 10;
                x = Variable.vector("x", n);
                theta = Parameter.vector("c", n);
                problem = Problem.maximize(geoMean(x).minus(theta.dot(x)), sum(x).le(constant(new double[] {n})));
                values = new double[batch * n];
                for (int i = 0; i < values.length; i++) {
                    values[i] = 0.05 + 0.1 * rnd.nextDouble();
                }
            }
            default -> throw new IllegalArgumentException("unknown family " + family);
        }
        ConvexLayer.Builder builder = ConvexLayer.builder(problem).parameters(theta).outputs(x);
        ConvexLayer[] layers = new ConvexLayer[CONFIGS.length];
        for (int k = 0; k < layers.length; k++) {
            layers[k] = builder.settings(CONFIGS[k]).build();
        }
        return config -> {
            LayerResult r = layers[config].forward(values);
            Solution[] out = new Solution[r.batchSize()];
            for (int b = 0; b < out.length; b++) {
                out[b] = r.solution(b);
            }
            return out;
        };
    }

    private static double[][] symmetric(Random rnd, int k) {
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = rnd.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        return a;
    }

    private static double[][] uniform(Random rnd, int rows, int cols, double lo, double hi) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = lo + (hi - lo) * rnd.nextDouble();
            }
        }
        return a;
    }

    private static double[] gaussian(Random rnd, int len, double sigma) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = sigma * rnd.nextGaussian();
        }
        return v;
    }

    /** Per instance the larger of its primal and dual residual. */
    private static double[] residuals(Solution[] sols) {
        double[] r = new double[sols.length];
        for (int b = 0; b < sols.length; b++) {
            r[b] = Math.max(sols[b].primalResidual(), sols[b].dualResidual());
        }
        return r;
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
