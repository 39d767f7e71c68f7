// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips of the exporter's file format: what is read back is exactly what was written. */
class ConeProgramFileTest {

    @Test
    void everyConeKindAndAwkwardValuesRoundTripBitForBit() throws IOException {
        ConeDims cones = ConeDims.builder().zero(2).nonneg(3).soc(3, 1).psd(2).exp(1).dualExp(1).power(0.3, -0.7)
                .build();
        int m = cones.rows();
        int n = 7;
        Random rnd = new Random(11);
        CscMatrix a = randomSparse(rnd, m, n, false);
        CscMatrix p = randomSparse(rnd, n, n, true);
        double[] b = new double[m];
        double[] c = new double[n];
        for (int i = 0; i < m; i++) {
            b[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20);
        }
        for (int j = 0; j < n; j++) {
            c[j] = j == 0 ? -0.0 : j == 1 ? Double.MIN_VALUE : j == 2 ? 0.1 : Math.PI * rnd.nextGaussian();
        }
        ConeProgramFile.Entry withP = new ConeProgramFile.Entry("all-cones", new ConeProgram(p, a, b, c, cones), -1,
                -7.113, 1.0 / 3);
        ConeProgramFile.Entry linear = new ConeProgramFile.Entry("lp", new ConeProgram(null, a, b, c, cones), 1,
                0, Double.NaN);

        List<ConeProgramFile.Entry> back = roundTrip(List.of(withP, linear));

        assertEquals(2, back.size());
        assertSameEntry(withP, back.get(0));
        assertSameEntry(linear, back.get(1));
        assertNull(back.get(1).program().p());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.get(0).program().c()[0]));
    }

    @Test
    void workloadExportHoldsEveryInstanceWithItsInteriorPointOptimum(@TempDir Path dir) throws IOException {
        String name = "small-qp-n10-b16";
        ExportConePrograms.exportWorkload(name, 1e-9, dir);

        List<ConeProgramFile.Entry> back;
        try (Reader r = Files.newBufferedReader(dir.resolve(name + ".cp"))) {
            back = ConeProgramFile.readAll(r);
        }
        BatchConeProgram batch = ConvexLayersContender.toConeProgram(Workloads.create(name));
        assertEquals(batch.batch(), back.size());
        for (int k = 0; k < batch.batch(); k++) {
            ConeProgramFile.Entry e = back.get(k);
            assertEquals(name + "-" + k, e.name());
            assertSameProgram(batch.instance(k), e.program());
            // the reference is an optimum: an independent solve with the other method agrees to its tolerance
            Solution firstOrder = ConeSolver.solve(e.program(), SolverSettings.defaults().withEps(1e-8)
                    .withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER));
            assertEquals(SolverStatus.SOLVED, firstOrder.status());
            assertEquals(firstOrder.objective(), e.reference(), 1e-5 * Math.max(1, Math.abs(e.reference())),
                    "instance " + k);
        }
    }

    @Test
    void collectionExportKeepsTheFilesSenseConstantAndReference(@TempDir Path dir) throws IOException {
        // maximize 3x + 2y + constant s.t. x + y <= 4, x + 3y <= 6, 0 <= x <= 3, y >= 0: optimum x = 3, y = 1,
        // value 11 without the constant
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("tiny.mps"), String.join("\n",
                "NAME          TINY",
                "OBJSENSE",
                "    MAX",
                "ROWS",
                " N  obj",
                " L  r1",
                " L  r2",
                "COLUMNS",
                "    x         obj       3.0          r1        1.0",
                "    x         r2        1.0",
                "    y         obj       2.0          r1        1.0",
                "    y         r2        3.0",
                "RHS",
                "    rhs       r1        4.0          r2        6.0",
                "    rhs       obj       -5.0",
                "BOUNDS",
                " UP bnd       x         3.0",
                "ENDATA", ""));
        Files.writeString(data.resolve("broken.mps"), "NAME X\nROWS\n N obj\nCOLUMNS\n    x obj nonsense\nENDATA\n");
        Files.writeString(data.resolve("reference.csv"),
                "name,file,objective_ref\ntiny,tiny.mps,11.0\nbroken,broken.mps,0\n");
        Path out = dir.resolve("out");

        ExportConePrograms.exportCollection(data, Files.createDirectories(out));

        List<String> index = Files.readAllLines(out.resolve("index.csv"));
        assertEquals("tiny,tiny.mps,exported", index.get(1));
        assertTrue(index.get(2).startsWith("broken,broken.mps,read error"), index.get(2));
        List<ConeProgramFile.Entry> back;
        try (Reader r = Files.newBufferedReader(out.resolve("tiny.cp"))) {
            back = ConeProgramFile.readAll(r);
        }
        assertEquals(1, back.size());
        ConeProgramFile.Entry e = back.get(0);
        assertEquals(-1, e.sense());
        assertEquals(11.0, e.reference());
        assertNotEquals(0.0, e.constant());
        Solution sol = ConeSolver.solve(e.program(), SolverSettings.defaults().withEps(1e-9));
        assertEquals(SolverStatus.SOLVED, sol.status());
        // the collection rule compares sense·objective with the reference
        assertEquals(11.0, e.sense() * sol.objective(), 1e-6);
        assertEquals(3.0, sol.x()[0], 1e-6);
        assertEquals(1.0, sol.x()[1], 1e-6);
    }

    @Test
    void malformedInputIsRejected() {
        assertThrows(IOException.class, () -> ConeProgramFile.readAll(new StringReader("not-a-cone-program 1")));
        assertThrows(IOException.class, () -> ConeProgramFile.readAll(
                new StringReader(ConeProgramFile.MAGIC + " 2\n")));
        assertThrows(IOException.class, () -> ConeProgramFile.readAll(
                new StringReader(ConeProgramFile.MAGIC + " 1\nname x\nn 1\n")));
    }

    private static List<ConeProgramFile.Entry> roundTrip(List<ConeProgramFile.Entry> entries) throws IOException {
        StringWriter w = new StringWriter();
        for (ConeProgramFile.Entry e : entries) {
            ConeProgramFile.write(w, e);
        }
        return ConeProgramFile.readAll(new StringReader(w.toString()));
    }

    private static void assertSameEntry(ConeProgramFile.Entry expected, ConeProgramFile.Entry actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.sense(), actual.sense());
        assertEquals(Double.doubleToLongBits(expected.constant()), Double.doubleToLongBits(actual.constant()));
        assertEquals(Double.doubleToLongBits(expected.reference()), Double.doubleToLongBits(actual.reference()));
        assertSameProgram(expected.program(), actual.program());
    }

    private static void assertSameProgram(ConeProgram expected, ConeProgram actual) {
        assertEquals(expected.cones(), actual.cones());
        assertSameMatrix(expected.a(), actual.a());
        if (expected.p() == null) {
            assertNull(actual.p());
        } else {
            assertSameMatrix(expected.p(), actual.p());
        }
        assertArrayEquals(expected.b(), actual.b());
        assertArrayEquals(expected.c(), actual.c());
    }

    private static void assertSameMatrix(CscMatrix expected, CscMatrix actual) {
        assertEquals(expected.rows(), actual.rows());
        assertEquals(expected.cols(), actual.cols());
        assertArrayEquals(expected.pattern().colStartArray(), actual.pattern().colStartArray());
        assertArrayEquals(expected.pattern().rowIndexArray(), actual.pattern().rowIndexArray());
        assertArrayEquals(expected.values(), actual.values());
    }

    /** A random sparse matrix (about half the entries), upper triangular when asked; some columns empty. */
    private static CscMatrix randomSparse(Random rnd, int rows, int cols, boolean upper) {
        List<int[]> at = new ArrayList<>();
        List<Double> vals = new ArrayList<>();
        for (int j = 1; j < cols; j++) {
            for (int i = 0; i < (upper ? j + 1 : rows); i++) {
                if (rnd.nextBoolean()) {
                    at.add(new int[] {i, j});
                    vals.add(rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12) - 6));
                }
            }
        }
        int[] ri = new int[at.size()];
        int[] ci = new int[at.size()];
        double[] v = new double[at.size()];
        for (int k = 0; k < ri.length; k++) {
            ri[k] = at.get(k)[0];
            ci[k] = at.get(k)[1];
            v[k] = vals.get(k);
        }
        return CscMatrix.fromTriplets("M", rows, cols, ri, ci, v);
    }
}
