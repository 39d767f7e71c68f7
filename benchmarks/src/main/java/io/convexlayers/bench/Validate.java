package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Checks, before anything is timed, that every contender reaches the same optimum on every
 * workload: objective within {@link #OBJ_TOL}·(1 + |f*|) and x within {@link #X_TOL}·(1 + ‖x*‖∞) of
 * a reference (the interior-point baseline at 1e-8 where it applies, else convexlayers at 1e-9).
 * It also compares the differentiable contenders' dloss/dq with each other (median relative
 * difference within {@link #GRAD_TOL}) and with a finite difference, and warns — without failing —
 * when they disagree: the gate is the forward optimum. Runs
 * on the first {@link #INSTANCES} instances of each workload. Exits with status 1 on any mismatch.
 *
 * <p>Usage: {@code Validate OUT_FILE [workload…]} (all workloads when none is named).
 */
public final class Validate {
    /** Relative tolerance on the optimal value. */
    public static final double OBJ_TOL = 1e-4;
    /** Relative tolerance on the solution (first-order solvers at 1e-6 are accurate to ~1e-4 here). */
    public static final double X_TOL = 1e-2;
    /**
     * Tolerance on the median over instances of ‖dq − dq_ref‖₂/‖dq_ref‖₂ between differentiable
     * contenders. The median, because an instance with a weakly active constraint (λᵢ ≈ 0 and
     * sᵢ ≈ 0) has no unique derivative: there the IPM and the cone-program derivative legitimately
     * differ (the maximum is printed too).
     */
    public static final double GRAD_TOL = 5e-2;
    /** Instances of each workload that are checked. */
    public static final int INSTANCES = 4;

    private Validate() {
    }

    /** The fixed loss gradient dloss/dx used by every backward pass (seeded, per instance). */
    public static double[][] lossGradient(QpBatch w) {
        Random rnd = new Random(42);
        double[][] dx = new double[w.batch][w.n];
        for (double[] row : dx) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return dx;
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Validate OUT_FILE [workload...]");
            System.exit(64);
        }
        List<String> workloads = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : Workloads.names();
        List<String> lines = new ArrayList<>();
        boolean ok = true;
        try (PrintStream out = new PrintStream(Files.newOutputStream(Path.of(args[0])), true, "UTF-8")) {
            String header = "validation on the first " + INSTANCES + " instances; backend auto = " + Backends.auto().name();
            out.println(header);
            System.out.println(header);
            for (String name : workloads) {
                ok &= check(Workloads.create(name).head(INSTANCES), out);
            }
            out.println(ok ? "ALL AGREE" : "MISMATCH");
        }
        System.out.println(ok ? "validation: all contenders agree" : "validation FAILED (see " + args[0] + ")");
        if (!ok) {
            System.exit(1);
        }
    }

    private static boolean check(QpBatch w, PrintStream out) {
        double[][] ref;
        String refName;
        if (new OptNetContender().unsupportedReason(w) == null) {
            ref = new OptNetContender().prepare(w).forward();
            refName = "optnet (IPM, 1e-8)";
        } else {
            ref = new ConvexLayersContender("ref", Backends.cpu(), 1e-9,
                    io.convexlayers.solver.Algorithm.FIRST_ORDER).prepare(w).forward();
            refName = "convexlayers at eps 1e-9";
        }
        say(out, w + ": reference " + refName);
        boolean ok = true;
        boolean gradientsAgree = true;
        double[][] gradRef = null;
        String gradRefName = null;
        double[][] dx = lossGradient(w);
        for (String cname : Contenders.available()) {
            Contender c = Contenders.byName(cname);
            String why = c.unsupportedReason(w);
            if (why != null) {
                say(out, String.format("  %-18s not run: %s", cname, why));
                continue;
            }
            Contender.Prepared p = c.prepare(w);
            long t0 = System.nanoTime();
            double[][] x;
            try {
                x = p.forward();
            } catch (RuntimeException e) {
                say(out, String.format("  %-18s FAILED: %s", cname, e));
                ok = false;
                continue;
            }
            double secs = (System.nanoTime() - t0) * 1e-9;
            double objErr = 0;
            double xErr = 0;
            for (int k = 0; k < w.batch; k++) {
                double fr = w.objective(k, ref[k]);
                objErr = Math.max(objErr, Math.abs(w.objective(k, x[k]) - fr) / (1 + Math.abs(fr)));
                xErr = Math.max(xErr, maxDiff(x[k], ref[k]) / (1 + maxAbs(ref[k])));
            }
            boolean good = objErr <= OBJ_TOL && xErr <= X_TOL;
            ok &= good;
            String grad = "";
            if (c.differentiable()) {
                double[][] dq = p.forwardBackward(dx);
                if (gradRef == null) {
                    gradRef = dq;
                    gradRefName = cname;
                } else {
                    double[] errs = new double[w.batch];
                    for (int k = 0; k < w.batch; k++) {
                        double num = 0;
                        double den = 0;
                        for (int j = 0; j < w.n; j++) {
                            double d = dq[k][j] - gradRef[k][j];
                            num += d * d;
                            den += gradRef[k][j] * gradRef[k][j];
                        }
                        errs[k] = Math.sqrt(num / Math.max(den, 1e-300));
                    }
                    Arrays.sort(errs);
                    double gErr = errs[errs.length / 2];
                    double gMax = errs[errs.length - 1];
                    grad = String.format(", dq vs %s: median %.1e, max %.1e%s", gradRefName, gErr, gMax,
                            gErr <= GRAD_TOL ? "" : " GRADIENTS DISAGREE");
                    gradientsAgree &= gErr <= GRAD_TOL;
                }
            }
            if (c.differentiable()) {
                grad += finiteDifference(w, p.forwardBackward(dx), dx);
            }
            say(out, String.format("  %-18s %s objective rel. err %.1e, x rel. err %.1e%s (%.2f s for %d instances, untimed JIT-cold)",
                    cname, good ? "ok  " : "BAD ", objErr, xErr, grad, secs, w.batch));
        }
        if (!gradientsAgree) {
            say(out, "  WARNING: dloss/dq differ between differentiable contenders; the finite-difference"
                    + " column (central differences of the IPM's x — convexlayers' at eps 1e-10 where the IPM does"
                    + " not apply —, step 1e-5, instance 0) says which is right."
                    + " Forward optima agree, so the timed run goes on.");
        }
        return ok;
    }

    /**
     * Central finite difference of L(q) = dxᵀx(q) along a fixed random direction v for instance 0,
     * with x from the interior-point solver (accurate to ~1e-8, step 1e-5) where it applies, else
     * from convexlayers at eps 1e-10 (step 1e-3), against the contender's dqᵀv.
     */
    private static String finiteDifference(QpBatch w, double[][] dq, double[][] dx) {
        QpBatch one = w.head(1);
        Random rnd = new Random(7);
        double[] v = new double[w.n];
        for (int j = 0; j < w.n; j++) {
            v[j] = rnd.nextGaussian();
        }
        boolean ipm = new OptNetContender().unsupportedReason(w) == null;
        // convexlayers' re-solves carry ~1e-9 error in x: a step of 1e-5 would leave ~1e-4 of noise
        double step = ipm ? 1e-5 : 1e-3;
        double[] loss = new double[2];
        for (int side = 0; side < 2; side++) {
            double[][] q = {one.q[0].clone()};
            for (int j = 0; j < w.n; j++) {
                q[0][j] += (side == 0 ? step : -step) * v[j];
            }
            double[] x = ipm
                    ? new OptNetQp(w.n, w.mIneq, one.p, q, one.g, one.h).forward()[0]
                    : tightSolve(one, q);
            for (int j = 0; j < w.n; j++) {
                loss[side] += dx[0][j] * x[j];
            }
        }
        double fd = (loss[0] - loss[1]) / (2 * step);
        double got = 0;
        for (int j = 0; j < w.n; j++) {
            got += dq[0][j] * v[j];
        }
        return String.format(", dqᵀv %.4e vs finite difference %.4e%s", got, fd, ipm ? "" : " (convexlayers re-solves, step 1e-3)");
    }

    /** x of the one-instance batch with q replaced, by convexlayers at eps 1e-10. */
    private static double[] tightSolve(QpBatch one, double[][] q) {
        QpBatch moved = new QpBatch(one.name, one.n, one.mEq, one.mIneq, one.soc, 1, one.sparse, one.p, q, one.a,
                one.b, one.g, one.h);
        io.convexlayers.solver.SolverSettings tight = io.convexlayers.solver.SolverSettings.defaults()
                .withEps(1e-10).withMaxIters(1_000_000);
        return io.convexlayers.backend.ConeSolver.solveBatch(ConvexLayersContender.toConeProgram(moved), tight)
                .get(0).x();
    }

    private static void say(PrintStream out, String line) {
        out.println(line);
        System.out.println(line);
    }

    private static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
