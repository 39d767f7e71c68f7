// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.ConvexLayersException;
import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.io.FileProblem;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Writes the exact cone programs this project solves in {@link ConeProgramFile}'s text format, so that
 * another solver (SCS, Clarabel, …) can be run on the same data and judged by the same rule.
 * <pre>
 * java -cp benchmarks.jar io.convexlayers.bench.ExportConePrograms collection FOLDER OUT_DIR
 * java -cp benchmarks.jar io.convexlayers.bench.ExportConePrograms workload OUT_DIR [--reference-eps E] NAME…
 * </pre>
 * <ul>
 *   <li>{@code collection}: every problem of {@code FOLDER/reference.csv} (as
 *       {@code benchmarks/collections.sh} reads it: {@link ProblemReader}, the reference
 *       {@code objective_in_file}, else {@code objective_ref}) becomes {@code OUT_DIR/NAME.cp}, sense and
 *       constant from the file, reference from the CSV. {@code OUT_DIR/index.csv} lists every problem
 *       with {@code exported} or the reader's error (such a problem counts as a failure, as in
 *       {@link CollectionRunner}).</li>
 *   <li>{@code workload}: each named {@link Workloads} batch, built as the JMH benchmark builds it
 *       ({@link ConvexLayersContender#toConeProgram}), becomes {@code OUT_DIR/NAME.cp} with one record per
 *       instance ({@code NAME-0}, {@code NAME-1}, …, sense +1, constant 0). The reference is this
 *       project's optimum from the interior-point method at eps {@code E} (default 1e-9), or
 *       {@code none} where that solve did not end SOLVED; {@code --reference-eps 0} skips the solve.</li>
 * </ul>
 */
public final class ExportConePrograms {
    private ExportConePrograms() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            usage();
        }
        Path out = Path.of(args[args[0].equals("collection") ? 2 : 1]);
        Files.createDirectories(out);
        switch (args[0]) {
            case "collection" -> exportCollection(Path.of(args[1]), out);
            case "workload" -> {
                double eps = 1e-9;
                int first = 2;
                if (args[2].equals("--reference-eps")) {
                    eps = Double.parseDouble(args[3]);
                    first = 4;
                }
                for (String name : Arrays.copyOfRange(args, first, args.length)) {
                    exportWorkload(name, eps, out);
                }
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: ExportConePrograms collection FOLDER OUT_DIR\n"
                + "       ExportConePrograms workload OUT_DIR [--reference-eps E] NAME...");
        System.exit(2);
    }

    /** One file per problem of the collection, and index.csv saying which problems were exported. */
    static void exportCollection(Path folder, Path out) throws IOException {
        List<CollectionRunner.Reference> references = CollectionRunner.readReferences(folder.resolve("reference.csv"));
        StringBuilder index = new StringBuilder("name,file,export\n");
        for (CollectionRunner.Reference ref : references) {
            String status;
            try {
                FileProblem problem = ProblemReader.read(folder.resolve(ref.file()));
                write(out.resolve(ref.name() + ".cp"), List.of(entryOf(ref, problem)));
                status = "exported";
            } catch (IOException | ConvexLayersException e) {
                // the same problems CollectionRunner reports as READ_ERROR
                status = "read error: " + e.getClass().getSimpleName();
            }
            index.append(ref.name()).append(',').append(ref.file()).append(',').append(status).append('\n');
            System.err.println(ref.name() + ": " + status);
        }
        Files.writeString(out.resolve("index.csv"), index, StandardCharsets.UTF_8);
    }

    /** The record of one collection problem: its program and the map to the file's objective. */
    static ConeProgramFile.Entry entryOf(CollectionRunner.Reference ref, FileProblem problem) {
        return new ConeProgramFile.Entry(ref.name(), problem.program(), problem.maximize() ? -1 : 1,
                problem.objectiveConstant(), ref.objective());
    }

    /** One file per workload, one record per instance. */
    static void exportWorkload(String name, double referenceEps, Path out) throws IOException {
        BatchConeProgram batch = ConvexLayersContender.toConeProgram(Workloads.create(name));
        double[] reference = references(batch, referenceEps);
        ConeProgramFile.Entry[] entries = new ConeProgramFile.Entry[batch.batch()];
        int known = 0;
        for (int k = 0; k < entries.length; k++) {
            entries[k] = new ConeProgramFile.Entry(name + "-" + k, batch.instance(k), 1, 0, reference[k]);
            known += Double.isNaN(reference[k]) ? 0 : 1;
        }
        write(out.resolve(name + ".cp"), List.of(entries));
        System.err.printf(Locale.ROOT, "%s: %d instances, %d with a reference%n", name, entries.length, known);
    }

    /** This project's interior-point optima at eps, NaN where not SOLVED (all NaN when eps = 0). */
    static double[] references(BatchConeProgram batch, double eps) {
        double[] ref = new double[batch.batch()];
        Arrays.fill(ref, Double.NaN);
        if (eps > 0) {
            SolverSettings settings = SolverSettings.defaults().withEps(eps).withAlgorithm(Algorithm.INTERIOR_POINT);
            BatchSolution sol = ConeSolver.solveBatch(batch, settings);
            for (int k = 0; k < ref.length; k++) {
                if (sol.status(k) == SolverStatus.SOLVED) {
                    ref[k] = sol.objective(k);
                }
            }
        }
        return ref;
    }

    /** Writes the records to one file. */
    static void write(Path file, List<ConeProgramFile.Entry> entries) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ConeProgramFile.Entry e : entries) {
                ConeProgramFile.write(w, e);
            }
        }
    }
}
