// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.backend.Backends;
import io.convexlayers.diff.DerivativeMode;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.SolverSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static io.convexlayers.dsl.Atoms.exp;
import static io.convexlayers.dsl.Atoms.logSumExp;
import static io.convexlayers.dsl.Atoms.norm2;
import static io.convexlayers.dsl.Atoms.sum;
import static io.convexlayers.dsl.Atoms.sumSquares;
import static io.convexlayers.dsl.Atoms.trace;

/**
 * One random use of a layer, built entirely from a seed: a problem from one of five templates (QP,
 * least squares, SOCP, exponential cone, PSD) with random and sometimes hostile dimensions,
 * settings with random and sometimes invalid values, parameter arrays that are unbatched, batched
 * or of a wrong length and whose entries may be NaN, ±∞, huge or tiny, a stated batch size, and a
 * backward pass with random incoming gradients. {@link #run} plays it and {@link #log} says what
 * was chosen, for a finding's report.
 */
final class LayerScenario {
    private static final int[] DIMS = {1, 1, 2, 2, 3, 3, 4, 5, 8};
    /**
     * Invalid, beyond {@code Shape.MAX_SIZE} (as a matrix, or even as a vector), overflowing, and
     * large valid sizes (large enough to show costs that grow too fast, small enough to solve).
     */
    private static final int[] HOSTILE_DIMS = {0, -1, 100_000_000, Integer.MAX_VALUE, 46_341, 3_000, 1_500};
    /** From this size on a scenario's solver work is bounded (see {@link #settings}). */
    private static final int LARGE = 1_000;
    private static final double[] ODD_VALUES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            1e300, -1e300, 1e-320, 0.0, -0.0, 1e154, Double.MAX_VALUE};

    private final Random r;
    /** Appended by the thread running the scenario, read by the reporter: hence a StringBuffer. */
    private final StringBuffer log = new StringBuffer();

    LayerScenario(long seed) {
        this.r = new Random(seed);
    }

    /** What was chosen so far, one item per line. */
    String log() {
        return log.toString();
    }

    private void note(String what) {
        log.append(what).append('\n');
    }

    private int dim() {
        return r.nextInt(40) == 0 ? HOSTILE_DIMS[r.nextInt(HOSTILE_DIMS.length)] : DIMS[r.nextInt(DIMS.length)];
    }

    /** Builds the layer, runs forward (and backward when it returned); the label names the outcome. */
    String run() {
        int n = dim();
        int m = dim();
        int template = r.nextInt(5);
        note("template " + template + ", n = " + n + ", m = " + m);
        List<Parameter> params = new ArrayList<>();
        Variable x;
        Problem problem;
        switch (template) {
            case 0 -> { // QP: min ½‖x‖² + qᵀx s.t. G x ≤ h
                x = Variable.vector("x", n);
                Parameter q = Parameter.vector("q", n);
                Parameter g = Parameter.matrix("G", m, n);
                Parameter h = Parameter.vector("h", m);
                params.addAll(List.of(q, g, h));
                problem = Problem.minimize(sumSquares(x).times(0.5).plus(q.dot(x)), g.times(x).le(h));
            }
            case 1 -> { // least squares with a box: min ‖A x − b‖² s.t. −1 ≤ x ≤ 1
                x = Variable.vector("x", n);
                Parameter a = Parameter.matrix("A", m, n);
                Parameter b = Parameter.vector("b", m);
                params.addAll(List.of(a, b));
                problem = Problem.minimize(sumSquares(a.times(x).minus(b)), x.le(1), x.ge(-1));
            }
            case 2 -> { // SOCP: min cᵀx s.t. ‖A x − b‖ ≤ t, x ≥ 0, sum(x) = 1
                x = Variable.vector("x", n);
                Parameter c = Parameter.vector("c", n);
                Parameter a = Parameter.matrix("A", m, n);
                Parameter b = Parameter.vector("b", m);
                Parameter t = Parameter.scalar("t", Attribute.NONNEG);
                params.addAll(List.of(c, a, b, t));
                problem = Problem.minimize(c.dot(x), norm2(a.times(x).minus(b)).le(t), x.ge(0), sum(x).eq(1));
            }
            case 3 -> { // exponential cone: min logsumexp(x) + sum(exp(x)) − pᵀx
                x = Variable.vector("x", n);
                Parameter p = Parameter.vector("p", n);
                params.add(p);
                problem = Problem.minimize(logSumExp(x).plus(sum(exp(x))).minus(p.dot(x)));
            }
            default -> { // PSD: min tr(C X) s.t. X ⪰ 0, tr(X) = 1, X symmetric
                Variable big = Variable.symmetric("X", n);
                Parameter c = Parameter.matrix("C", n, n);
                params.add(c);
                List<Constraint> cons = List.of(Constraint.psd(big), trace(big).eq(1));
                problem = Problem.minimize(trace(c.times(big)), cons);
                x = big;
            }
        }
        ConvexLayer.Builder builder = ConvexLayer.builder(problem).parameters(order(params)).outputs(x)
                .backend(Backends.cpu()).failurePolicy(r.nextBoolean() ? FailurePolicy.RETURN : FailurePolicy.THROW);
        boolean large = Math.max(n, m) >= LARGE;
        builder.settings(settings(large));
        builder.derivativeSettings(derivativeSettings(large));
        ConvexLayer layer = builder.build();
        int batch = 1 + r.nextInt(3);
        double[][] values = new double[params.size()][];
        for (int k = 0; k < params.size(); k++) {
            values[k] = values(params.get(k), batch);
        }
        ForwardOptions options = forwardOptions(batch);
        LayerResult result = layer.forward(options, values);
        String label = "forward " + (result.allSolved() ? "solved" : "with failed instances");
        if (r.nextBoolean()) {
            int size = result.value(0).length;
            double[] dLoss = new double[r.nextInt(10) == 0 ? size + 1 : size];
            for (int i = 0; i < dLoss.length; i++) {
                dLoss[i] = r.nextInt(30) == 0 ? ODD_VALUES[r.nextInt(ODD_VALUES.length)] : r.nextGaussian();
            }
            note("backward with " + dLoss.length + " entries");
            Gradients g = result.backward(dLoss);
            for (Parameter p : params) {
                g.of(p);
            }
            label += ", backward";
        }
        return label;
    }

    /** The parameters, sometimes in another order or with one missing (a definition error). */
    private Parameter[] order(List<Parameter> params) {
        List<Parameter> out = new ArrayList<>(params);
        if (out.size() > 1 && r.nextInt(20) == 0) {
            out.remove(r.nextInt(out.size()));
            note("a parameter left out");
        } else if (r.nextInt(4) == 0) {
            java.util.Collections.shuffle(out, r);
            note("parameters shuffled: " + out.stream().map(Parameter::name).toList());
        }
        return out.toArray(new Parameter[0]);
    }

    private SolverSettings settings(boolean large) {
        // One scenario in five may pick invalid values (a typed settings error); the others vary
        // the valid range, extremes included, so that most scenarios get to solve.
        boolean hostile = r.nextInt(5) == 0;
        SolverSettings.Builder b = SolverSettings.defaults().toBuilder()
                .maxIters(choose(hostile, new Integer[] {2000, 200, 1, 10}, 0, -1))
                .timeLimitSeconds(choose(hostile, new Double[] {0.0, 5.0, 1e10, Double.POSITIVE_INFINITY}, -1.0,
                        Double.NaN))
                .andersonMemory(choose(hostile, new Integer[] {10, 1, 100}, 101, Integer.MAX_VALUE, 0))
                .andersonInterval(choose(hostile, new Integer[] {20, 1, Integer.MAX_VALUE}, 0))
                .checkInterval(choose(hostile, new Integer[] {10, 1, 7, Integer.MAX_VALUE}, 0))
                .linearSystem(linearSystem(large))
                .acceleration(io.convexlayers.solver.Acceleration.values()[r.nextInt(4)])
                .adaptiveScale(r.nextBoolean()).equilibrate(r.nextBoolean());
        double eps = choose(hostile, new Double[] {1e-5, 1e-9, 1e-300, 1e300}, 0.0, -1.0, Double.NaN,
                Double.POSITIVE_INFINITY);
        b.epsAbs(eps).epsRel(choose(hostile, new Double[] {eps, 1e-5})).epsInfeas(choose(hostile,
                new Double[] {1e-7, 1e-12}, 0.0));
        b.alpha(choose(hostile, new Double[] {1.5, 1.0, 1.99, 0.01}, 2.0, 0.0, Double.NaN));
        b.rhoX(choose(hostile, new Double[] {1e-6, 1e-12, 1e6}, 0.0, Double.NaN));
        b.scale(choose(hostile, new Double[] {0.1, 1e-8, 1e8, 1e300}, 0.0));
        if (large) {
            // A large problem may legitimately take long and much memory: bounded work and a small
            // Anderson memory (100 vectors of a 400 000-long iterate for 3 lanes are 1.9 GB, found
            // with seed 7, input 70413: honest, but over the per-input budget), so that the fuzzer's
            // bounds only catch what does not end or grows without reason.
            SolverSettings chosen = b.build();
            b.maxIters(Math.min(200, chosen.maxIters())).timeLimitSeconds(2)
                    .andersonMemory(Math.min(10, chosen.andersonMemory()));
        }
        SolverSettings s = b.build(); // may throw InvalidSettingsException: a typed outcome
        note("settings " + s);
        return s;
    }

    /**
     * Any kind for small problems. Large ones leave out CG: its inner solves (up to 3n iterations
     * each) do not look at the time limit, and a 46 341-variable QP with a badly scaled KKT system
     * spent minutes in its first solve (seed 20261204, input 17018 of the long run). That is an open
     * limitation of the time limit, recorded here rather than hidden.
     */
    private LinearSystemKind linearSystem(boolean large) {
        LinearSystemKind[] kinds = LinearSystemKind.values();
        LinearSystemKind k = kinds[r.nextInt(kinds.length)];
        return large && k == LinearSystemKind.CG ? LinearSystemKind.AUTO : k;
    }

    private DerivativeSettings derivativeSettings(boolean large) {
        boolean hostile = r.nextInt(5) == 0;
        io.convexlayers.diff.LsqrSettings lsqr = DerivativeSettings.defaults().lsqr();
        if (large) {
            lsqr = lsqr.withMaxIters(300);
        }
        DerivativeSettings d = new DerivativeSettings(DerivativeMode.values()[r.nextInt(DerivativeMode.values().length)],
                lsqr, choose(hostile, new Integer[] {600, 0, 3, Integer.MAX_VALUE}, -1),
                choose(hostile, new Double[] {1e-6, 1e-300}, 0.0, Double.NaN));
        note("derivative settings " + d);
        return d;
    }

    /** Mostly the first valid value, else another valid one, or (when hostile) an invalid one. */
    @SafeVarargs
    private <T> T choose(boolean hostile, T[] valid, T... invalid) {
        if (hostile && invalid.length > 0 && r.nextInt(3) == 0) {
            return invalid[r.nextInt(invalid.length)];
        }
        return r.nextInt(3) == 0 ? valid[r.nextInt(valid.length)] : valid[0];
    }

    /** An array for {@code p}: one instance, a batch, or a wrong length; entries mostly Gaussian. */
    private double[] values(Parameter p, int batch) {
        int s = p.size();
        int len = switch (r.nextInt(40)) {
            case 0 -> s + 1;
            case 1 -> 0;
            case 2 -> Math.max(0, s * batch - 1);
            default -> r.nextInt(3) == 0 ? s : s * batch;
        };
        if (r.nextInt(60) == 0) {
            note("array for " + p.name() + ": null");
            return null;
        }
        double[] v = new double[len];
        boolean odd = r.nextInt(8) == 0;
        for (int i = 0; i < len; i++) {
            v[i] = odd && r.nextInt(4) == 0 ? ODD_VALUES[r.nextInt(ODD_VALUES.length)] : r.nextGaussian();
        }
        if (p.name().equals("t")) {
            for (int i = 0; i < len; i++) {
                v[i] = odd ? v[i] : Math.abs(v[i]) + 0.5; // NONNEG, unless this array is the odd one
            }
        }
        note("array for " + p.name() + " " + p.shape() + ": " + len + " entries" + (odd ? " (odd values)" : ""));
        return v;
    }

    private ForwardOptions forwardOptions(int batch) {
        ForwardOptions o = ForwardOptions.defaults();
        switch (r.nextInt(8)) {
            case 0 -> o = ForwardOptions.batch(batch);
            case 1 -> o = ForwardOptions.batch(pick(0, -1, batch + 1));
            default -> {
            }
        }
        if (r.nextInt(4) == 0) {
            o = o.withWarmStart(r.nextBoolean());
        }
        note("forward options batch " + o.batchSize() + ", warm start " + o.warmStart());
        return o;
    }

    @SafeVarargs
    private <T> T pick(T usual, T... others) {
        return r.nextInt(3) == 0 ? others[r.nextInt(others.length)] : usual;
    }

    @Override
    public String toString() {
        return log.toString().replace('\n', ';').toLowerCase(Locale.ROOT);
    }
}
