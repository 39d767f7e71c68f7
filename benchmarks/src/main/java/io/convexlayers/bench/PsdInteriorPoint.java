// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.io.FileProblem;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;

import java.io.IOException;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Random;

/**
 * The interior-point method against the first-order method on programs with PSD cones (the
 * crossover behind {@code AlgorithmChoice.AUTO_MAX_PSD_ORDER}), in one process, one worker thread, eps
 * 1e-6, unpolished: for each case, after warm-up rounds (at least two and three seconds), R rounds of
 * both methods in alternating order; median wall times, their ratio, SOLVED counts and mean
 * iterations. A case is {@code sdp-nN-dD-bB} — B random SDPs with n variables, n/2 nonnegative rows and
 * one PSD cone of order d: dense A (standard normal), b = A·x₀ + s₀ and c = −Aᵀy₀ with s₀, y₀ positive
 * definite on the cone and positive on the rows, so every instance is feasible and bounded — or a
 * problem file (SDPA, CBF, …) solved as a batch of one.
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar io.convexlayers.bench.PsdInteriorPoint
 * [--repeats R] CASE…}.
 */
public final class PsdInteriorPoint {
    private static final long WARM_UP_NS = 3_000_000_000L;

    private PsdInteriorPoint() {
    }

    public static void main(String[] args) throws IOException {
        TimingOptions options = TimingOptions.parse(args, 5, Algorithm.INTERIOR_POINT);
        int repeats = options.repeats();
        ExecutionSettings one = ExecutionSettings.defaults().withThreads(1);
        SolverSettings ipm = SolverSettings.defaults().withEps(ConvexLayersContender.EPS).withPolishing(Polishing.OFF)
                .withAlgorithm(Algorithm.INTERIOR_POINT);
        SolverSettings firstOrder = ipm.withAlgorithm(Algorithm.FIRST_ORDER);
        System.out.println("| case | B | interior point ms | it. | solved | first order ms | it. | solved | IPM ÷ FO |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String name : options.workloads()) {
            BatchConeProgram program = name.startsWith("sdp-") ? randomSdps(name) : file(name);
            long warmUntil = System.nanoTime() + WARM_UP_NS;
            for (int w = 0; w < 2 || System.nanoTime() < warmUntil; w++) {
                Backends.cpu().solve(program, ipm, one, null, null);
                Backends.cpu().solve(program, firstOrder, one, null, null);
            }
            double[][] ms = new double[2][repeats];
            BatchSolution[] last = new BatchSolution[2];
            for (int r = 0; r < repeats; r++) {
                for (int k = 0; k < 2; k++) {
                    int method = (r + k) % 2;
                    long t0 = System.nanoTime();
                    last[method] = Backends.cpu().solve(program, method == 0 ? ipm : firstOrder, one, null, null);
                    ms[method][r] = (System.nanoTime() - t0) * 1e-6;
                }
            }
            double ipmMs = TimingOptions.median(ms[0]);
            double foMs = TimingOptions.median(ms[1]);
            System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f | %d | %.1f | %.1f | %d | %.2f |%n", name,
                    program.batch(), ipmMs, iterations(last[0]), solved(last[0]), foMs, iterations(last[1]),
                    solved(last[1]), ipmMs / foMs);
        }
    }

    private static double iterations(BatchSolution s) {
        return (double) s.totalIterations() / s.batch();
    }

    private static int solved(BatchSolution s) {
        int count = 0;
        for (int k = 0; k < s.batch(); k++) {
            count += s.status(k) == SolverStatus.SOLVED ? 1 : 0;
        }
        return count;
    }

    private static BatchConeProgram file(String path) throws IOException {
        FileProblem problem = ProblemReader.read(Paths.get(path));
        return BatchConeProgram.of(problem.program());
    }

    /** {@code sdp-nN-dD-bB}: see the class comment. */
    static BatchConeProgram randomSdps(String name) {
        String[] parts = name.split("-");
        int n = Integer.parseInt(parts[1].substring(1));
        int d = Integer.parseInt(parts[2].substring(1));
        int batch = Integer.parseInt(parts[3].substring(1));
        ConeDims cones = ConeDims.builder().nonneg(n / 2).psd(d).build();
        int m = cones.rows();
        Random rnd = new Random(31L * n + 17L * d + batch);
        double[][] a = new double[batch][m * n];
        double[][] b = new double[batch][m];
        double[][] c = new double[batch][n];
        for (int k = 0; k < batch; k++) {
            for (int q = 0; q < m * n; q++) {
                a[k][q] = rnd.nextGaussian();
            }
            double[] x0 = new double[n];
            for (int j = 0; j < n; j++) {
                x0[j] = rnd.nextGaussian();
            }
            double[] s0 = interiorPoint(rnd, n / 2, d);
            double[] y0 = interiorPoint(rnd, n / 2, d);
            // A is column-major (CSC of a dense pattern): entry (i, j) at j·m + i.
            for (int i = 0; i < m; i++) {
                double sum = s0[i];
                for (int j = 0; j < n; j++) {
                    sum += a[k][j * m + i] * x0[j];
                }
                b[k][i] = sum;
            }
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int i = 0; i < m; i++) {
                    sum -= a[k][j * m + i] * y0[i];
                }
                c[k][j] = sum;
            }
        }
        return new BatchConeProgram(null, null, densePattern(m, n), BatchArray.perInstance(a),
                BatchArray.perInstance(b), BatchArray.perInstance(c), cones);
    }

    private static SparsePattern densePattern(int m, int n) {
        int[] colStart = new int[n + 1];
        int[] rowIndex = new int[m * n];
        for (int j = 0; j < n; j++) {
            colStart[j + 1] = (j + 1) * m;
            for (int i = 0; i < m; i++) {
                rowIndex[j * m + i] = i;
            }
        }
        return new SparsePattern("A", m, n, colStart, rowIndex);
    }

    /** Positive nonnegative rows, then svec(MMᵀ + I) for a standard normal d × d matrix M. */
    private static double[] interiorPoint(Random rnd, int nonneg, int d) {
        double[] v = new double[nonneg + d * (d + 1) / 2];
        for (int i = 0; i < nonneg; i++) {
            v[i] = 0.5 + rnd.nextDouble();
        }
        double[] mm = new double[d * d];
        for (int q = 0; q < d * d; q++) {
            mm[q] = rnd.nextGaussian();
        }
        int p = nonneg;
        for (int j = 0; j < d; j++) {
            for (int i = j; i < d; i++) {
                double sum = i == j ? 1 : 0;
                for (int k = 0; k < d; k++) {
                    sum += mm[i * d + k] * mm[j * d + k];
                }
                v[p++] = i == j ? sum : Math.sqrt(2) * sum;
            }
        }
        return v;
    }
}
