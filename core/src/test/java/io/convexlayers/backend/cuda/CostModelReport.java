// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.Backend;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.RandomQps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * The cost model's report (issue #13, item 3): per workload of the GPU goals, a real forward solve by
 * {@link CudaBackend} on the {@link EmulatedDevice} with a {@link CostLedger} recording, and the
 * {@link H200CostModel}'s <b>predicted</b> H200 time beside the goal. Where emulating the full batch
 * is too slow the solve runs on fewer lanes and the per-lane quantities are scaled linearly (the
 * report says so in the B column: "128→1024"); iteration counts are those of the real, smaller solve.
 * Where a GPU is present ({@link CudaBackend#unavailableReason()} is null) the full batch is also
 * solved there and the measured time printed beside the prediction.
 *
 * <p>Not in the prediction: host-side work (equilibration every forward; for shared matrices the
 * n × n reduced matrix formed, factored and inverted on the host at every scale change) and the
 * backward pass (on the device only in LSQR mode; {@link DeviceBackwardReport} counts it).
 *
 * <p>Usage: {@code CostModelReport [--quick]} ({@code --quick}: the small workloads only).
 */
public final class CostModelReport {
    /** Tolerance of the goals (eps 1e-6). */
    static final SolverSettings SETTINGS = SolverSettings.defaults().withEps(1e-6).withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER);

    /** CPU forward of the paper's sparse QP on this machine kind (benchmarks/RESULTS.md, JMH): 723 ms. */
    static final double SPARSE_QP_CPU_SECONDS = 0.723;

    /**
     * One workload.
     *
     * @param name      its name in the table
     * @param lanes     the batch size the goal is about
     * @param runLanes  the batch size emulated (≤ lanes)
     * @param batch     the batch for a given size
     * @param goal      the goal in seconds
     * @param goalText  how the goal reads in the issue
     * @param note      what the row does not cover
     * @param settings  the solver settings (the algorithm: first order or the device interior-point method)
     */
    record Workload(String name, int lanes, int runLanes, IntFunction<BatchConeProgram> batch, double goal,
                    String goalText, String note, SolverSettings settings) {
        /** A first-order workload ({@link #SETTINGS}). */
        Workload(String name, int lanes, int runLanes, IntFunction<BatchConeProgram> batch, double goal, String goalText,
                 String note) {
            this(name, lanes, runLanes, batch, goal, goalText, note, SETTINGS);
        }
    }

    /** The interior-point method at the goals' tolerance (it reaches 1e-10 on its own). */
    static final SolverSettings IPM_SETTINGS = SETTINGS.withAlgorithm(io.convexlayers.solver.Algorithm.INTERIOR_POINT);

    /**
     * One measured-on-the-emulator row.
     *
     * @param maxIterations    iterations of the slowest instance (the batch runs that many)
     * @param medianIterations median over instances
     * @param solved           instances solved
     * @param measured         seconds on a real GPU, NaN without one
     */
    record Row(Workload workload, CostLedger ledger, H200CostModel.Prediction prediction, int maxIterations,
               int medianIterations, int solved, double measured) {
        double laneScale() {
            return (double) workload.lanes() / workload.runLanes();
        }
    }

    private CostModelReport() {
    }

    /** The workloads of the goals; {@code quick} keeps the ones that emulate in seconds. */
    static List<Workload> workloads(boolean quick) {
        List<Workload> w = new ArrayList<>();
        w.add(new Workload("1 small QP n=10 m=20", 1, 1, b -> RandomQps.batch(10, 20, b, false, 11), 0.5e-3,
                "<= 0.5 ms", ""));
        w.add(new Workload("1 small QP n=10 m=20, IPM", 1, 1, b -> RandomQps.batch(10, 20, b, false, 11), 0.5e-3,
                "<= 0.5 ms", "device interior-point method", IPM_SETTINGS));
        if (quick) {
            return w;
        }
        String ipm = "device interior-point method (eps 1e-10 reached)";
        w.add(new Workload("qpth B=128 n=100 m=100 fwd, IPM", 128, 128, b -> RandomQps.batch(100, 100, b, false, 12),
                20e-3, "fwd+bwd <= 20 ms", ipm + "; forward only", IPM_SETTINGS));
        w.add(new Workload("1024 QPs n=100 m=200 fwd, IPM", 1024, 128, b -> RandomQps.batch(100, 200, b, false, 13),
                10e-3, "<= 10 ms", ipm, IPM_SETTINGS));
        w.add(new Workload("1024 QPs shared n=100 m=200, IPM", 1024, 128, b -> RandomQps.batch(100, 200, b, true, 14),
                3e-3, "<= 3 ms", ipm, IPM_SETTINGS));
        w.add(new Workload("qpth B=128 n=100 m=100 fwd", 128, 128, b -> RandomQps.batch(100, 100, b, false, 12),
                20e-3, "fwd+bwd <= 20 ms", "forward only: backward not in the prediction (LSQR on the device: DeviceBackwardReport; AUTO's dense active block runs on the CPU)"));
        // One batch function for both rows: the report solves it once and reuses the counts.
        IntFunction<BatchConeProgram> perInstance = b -> RandomQps.batch(100, 200, b, false, 13);
        w.add(new Workload("1024 QPs n=100 m=200 fwd", 1024, 128, perInstance, 10e-3, "<= 10 ms", ""));
        w.add(new Workload("1024 QPs n=100 m=200 fwd+bwd", 1024, 128, perInstance,
                15e-3, "<= 15 ms", "forward only: backward not in the prediction (LSQR on the device: DeviceBackwardReport; AUTO's dense active block runs on the CPU)"));
        w.add(new Workload("1024 QPs shared n=100 m=200", 1024, 256, b -> RandomQps.batch(100, 200, b, true, 14),
                3e-3, "<= 3 ms", ""));
        w.add(new Workload("sparse QP n=1024 B=32", 32, 32, CostModelReport::sparseQp, SPARSE_QP_CPU_SECONDS / 10,
                ">= 10x CPU (723 ms)", "CPU time from benchmarks/RESULTS.md (2 cores); the host-side inverse"
                        + " of the 1024 x 1024 reduced matrix per scale change is not in the prediction"));
        return w;
    }

    /** Solves {@code w} at its emulated size on a recording emulated device. */
    static Row run(Workload w) {
        BatchConeProgram batch = w.batch().apply(w.runLanes());
        CudaBackend backend = new CudaBackend(new EmulatedDevice(Long.MAX_VALUE / 4), 0);
        CostLedger ledger = new CostLedger();
        backend.device().record(ledger);
        BatchSolution s;
        try {
            s = backend.solve(batch, w.settings(), null, null);
        } finally {
            backend.device().record(null);
        }
        int[] it = new int[s.batch()];
        int solved = 0;
        for (int b = 0; b < it.length; b++) {
            it[b] = s.iterations(b);
            solved += s.status(b) == SolverStatus.SOLVED ? 1 : 0;
        }
        Arrays.sort(it);
        double laneScale = (double) w.lanes() / w.runLanes();
        return new Row(w, ledger, H200CostModel.predict(ledger, laneScale), it[it.length - 1], it[it.length / 2],
                solved, Double.NaN);
    }

    /** The same row with the time of the full batch on a real GPU (one warm-up solve first). */
    static Row measure(Row r, Backend gpu) {
        BatchConeProgram full = r.workload().batch().apply(r.workload().lanes());
        gpu.solve(full, r.workload().settings(), null, null);
        long t0 = System.nanoTime();
        gpu.solve(full, r.workload().settings(), null, null);
        double t = (System.nanoTime() - t0) * 1e-9;
        return new Row(r.workload(), r.ledger(), r.prediction(), r.maxIterations(), r.medianIterations(), r.solved(),
                t);
    }

    /** The table, one line per row, marked predicted. */
    static List<String> table(List<Row> rows) {
        List<String> out = new ArrayList<>();
        out.add("| workload | B (emulated→predicted) | iterations max/median | launches (+copies; in graphs) | per iteration"
                + " | host waits | H<->D bytes | device bytes | flops | **predicted** H200 | goal | predicted/goal"
                + " | measured | dominant |");
        out.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            CostLedger l = r.ledger();
            double s = r.laneScale();
            H200CostModel.Prediction p = r.prediction();
            // The batch runs its slowest lane's iterations (operations per iteration, setup included).
            long iterations = Math.max(1, r.maxIterations());
            out.add(String.format(Locale.ROOT,
                    "| %s | %s | %d/%d | %d (+%d; %d) | %.1f | %d | %s | %s | %s | %s | %s | %.1fx | %s | %s |",
                    r.workload().name(),
                    r.workload().runLanes() == r.workload().lanes() ? String.valueOf(r.workload().lanes())
                            : r.workload().runLanes() + "→" + r.workload().lanes(),
                    r.maxIterations(), r.medianIterations(), l.launches(), l.copies(), l.graphNodes(),
                    (double) (l.launches() + l.copies()) / iterations, l.hostWaits(),
                    bytes((l.uploadBytes() + l.downloadBytes()) * s), bytes((l.kernelBytes() + 2 * l.copyBytes()) * s),
                    si(l.flops() * s), time(p.total()) + " (predicted)", r.workload().goalText(),
                    p.total() / r.workload().goal(), Double.isNaN(r.measured()) ? "no GPU" : time(r.measured()),
                    p.dominant()));
        }
        return out;
    }

    /** Per row: the four parts of the prediction and the kernels with the largest predicted times. */
    static List<String> breakdown(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            H200CostModel.Prediction p = r.prediction();
            List<Map.Entry<CudaKernel, Double>> top = new ArrayList<>(p.perKernel().entrySet());
            top.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
            StringBuilder k = new StringBuilder();
            for (int i = 0; i < Math.min(4, top.size()); i++) {
                CudaKernel kernel = top.get(i).getKey();
                k.append(i == 0 ? "" : ", ").append(kernel.entry()).append(' ').append(time(top.get(i).getValue()))
                        .append(" (").append(r.ledger().launches(kernel)).append(')');
            }
            out.add(String.format(Locale.ROOT, "- %s: launch %s, host waits %s, transfers %s, kernels %s; top kernels: %s%s",
                    r.workload().name(), time(p.launch()), time(p.hostWaits()), time(p.transfers()), time(p.kernels()),
                    k, r.workload().note().isEmpty() ? "" : "; " + r.workload().note()));
        }
        return out;
    }

    public static void main(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        String reason = CudaBackend.unavailableReason();
        Backend gpu = reason == null ? Backends.cuda() : null;
        System.out.println("CUDA cost model: counts from solves on the emulated device, times PREDICTED for an H200"
                + (gpu == null ? " (no GPU here: " + reason + ")" : ", measured on " + ((CudaBackend) gpu).deviceName()));
        System.out.println(H200CostModel.constants());
        List<Row> rows = new ArrayList<>();
        for (Workload w : workloads(quick)) {
            long t0 = System.nanoTime();
            Row same = rows.stream().filter(o -> o.workload().batch() == w.batch()
                    && o.workload().runLanes() == w.runLanes()).findFirst().orElse(null);
            Row r = same != null ? new Row(w, same.ledger(), same.prediction(), same.maxIterations(),
                    same.medianIterations(), same.solved(), same.measured()) : run(w);
            if (gpu != null) {
                r = measure(r, gpu);
            }
            rows.add(r);
            System.out.printf(Locale.ROOT, "done: %s (emulated in %.1f s, %d/%d solved)%n", w.name(),
                    (System.nanoTime() - t0) * 1e-9, r.solved(), w.runLanes());
        }
        System.out.println();
        table(rows).forEach(System.out::println);
        System.out.println();
        breakdown(rows).forEach(System.out::println);
    }

    /**
     * The paper's sparse QP (n = 1024, 1024 equalities and 1024 inequalities, A and G sparse at 1%
     * plus the identity and shared, P = I, b = A·x_s, h = G·x_s), generated from the same random stream
     * as {@code benchmarks/…/Workloads.sparseQp} (seed 2).
     */
    static BatchConeProgram sparseQp(int lanes) {
        int n = 1024;
        Random rnd = new Random(2);
        double[] a = sparseWithIdentity(rnd, n, 0.01);
        double[] g = sparseWithIdentity(rnd, n, 0.01);
        double[][] stacked = new double[2 * n][];
        for (int i = 0; i < n; i++) {
            stacked[i] = Arrays.copyOfRange(a, i * n, (i + 1) * n);
            stacked[n + i] = Arrays.copyOfRange(g, i * n, (i + 1) * n);
        }
        double[][] rhs = new double[lanes][];
        double[][] q = new double[lanes][];
        for (int k = 0; k < lanes; k++) {
            q[k] = RandomQps.gaussian(n, rnd);
            double[] xs = RandomQps.gaussian(n, rnd);
            double[] b = new double[2 * n];
            for (int i = 0; i < 2 * n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += stacked[i][j] * xs[j];
                }
                b[i] = s;
            }
            rhs[k] = b;
        }
        double[][] identity = new double[n][n];
        for (int i = 0; i < n; i++) {
            identity[i][i] = 1;
        }
        CscMatrix p = CscMatrix.upperTriangleOf("P", identity);
        CscMatrix am = CscMatrix.fromDense("A", stacked);
        return new BatchConeProgram(p.pattern(), BatchArray.shared(p.values(), lanes), am.pattern(),
                BatchArray.shared(am.values(), lanes), BatchArray.perInstance(rhs), BatchArray.perInstance(q),
                ConeDims.builder().zero(n).nonneg(n).build());
    }

    private static double[] sparseWithIdentity(Random rnd, int n, double density) {
        double[] a = new double[n * n];
        for (int i = 0; i < n * n; i++) {
            if (rnd.nextDouble() < density) {
                a[i] = rnd.nextGaussian();
            }
        }
        for (int i = 0; i < n; i++) {
            a[i * n + i] += 1;
        }
        return a;
    }

    static String time(double seconds) {
        return seconds >= 1 ? String.format(Locale.ROOT, "%.2f s", seconds)
                : seconds >= 1e-3 ? String.format(Locale.ROOT, "%.2f ms", seconds * 1e3)
                : String.format(Locale.ROOT, "%.0f us", seconds * 1e6);
    }

    static String bytes(double b) {
        return b >= 1e9 ? String.format(Locale.ROOT, "%.2f GB", b / 1e9)
                : b >= 1e6 ? String.format(Locale.ROOT, "%.1f MB", b / 1e6)
                : String.format(Locale.ROOT, "%.1f kB", b / 1e3);
    }

    static String si(double v) {
        return v >= 1e12 ? String.format(Locale.ROOT, "%.2f T", v / 1e12)
                : v >= 1e9 ? String.format(Locale.ROOT, "%.2f G", v / 1e9)
                : String.format(Locale.ROOT, "%.1f M", v / 1e6);
    }
}
