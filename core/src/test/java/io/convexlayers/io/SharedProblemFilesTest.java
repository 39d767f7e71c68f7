// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bundled benchmark instances (NETLIB, Maros–Meszaros, SDPLIB, CBLIB): structural facts of the
 * cone programs, and known optimal values attained at feasible reference points.
 */
class SharedProblemFilesTest {

    private static FileProblem read(String relative) throws IOException {
        return ProblemReader.read(ProblemFiles.resource(relative));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // file, format, n, m, zero, nonneg, soc rows, psd orders, exp, nnz(A), nnz(P), file constraints
            "netlib/afiro.mps, mps, 32, 59, 8, 51, '', '', 0, 115, 0, 27",
            "netlib/sc50a.mps, mps, 48, 98, 20, 78, '', '', 0, 178, 0, 50",
            "netlib/adlittle.mps, mps, 97, 153, 15, 138, '', '', 0, 480, 0, 56",
            "netlib/blend.mps, mps, 83, 157, 43, 114, '', '', 0, 574, 0, 74",
            "netlib/kb2.mps, mps, 41, 93, 16, 77, '', '', 0, 336, 0, 43",
            "netlib/recipe.mps, mps, 180, 340, 93, 247, '', '', 0, 912, 0, 91",
            "maros_meszaros/HS21.qps, qps, 2, 5, 0, 5, '', '', 0, 6, 2, 1",
            "maros_meszaros/HS35.qps, qps, 3, 4, 0, 4, '', '', 0, 6, 5, 1",
            "maros_meszaros/HS118.qps, qps, 15, 59, 0, 59, '', '', 0, 93, 15, 17",
            "maros_meszaros/QAFIRO.qps, qps, 32, 59, 8, 51, '', '', 0, 115, 6, 27",
            "maros_meszaros/DUALC1.qps, qps, 9, 233, 1, 232, '', '', 0, 1953, 45, 215",
            "maros_meszaros/CVXQP1_S.qps, qps, 100, 250, 50, 200, '', '', 0, 348, 386, 50",
            "sdplib/truss1.dat-s, sdpa, 6, 19, 0, 1, '', '2 2 2 2 2 2', 0, 25, 0, 7",
            "sdplib/theta1.dat-s, sdpa, 104, 1275, 0, 0, '', '50', 0, 153, 0, 1",
            "cblib/sambal.cbf, cbf, 31, 63, 11, 13, '3 3 3 3 3 3 3 3 3 3 3 3 3', '', 0, 87, 0, 63",
            "cblib/demb782.cbf, cbf, 11, 14, 6, 2, '', '', 2, 23, 0, 8",
            "cblib/bss1.cbf, cbf, 11, 14, 6, 2, '', '', 2, 23, 0, 8",
            "cblib/gptest.cbf, cbf, 24, 32, 15, 2, '', '', 5, 48, 0, 17",
    })
    void structure(String file, String format, int n, int m, int zero, int nonneg, String soc, String psd,
                   int exp, int nnzA, int nnzP, int constraints) throws IOException {
        FileProblem fp = read(file);
        ConeProgram p = fp.program();
        assertEquals(format, fp.format());
        assertEquals(n, p.n());
        assertEquals(n, fp.fileVariableCount());
        assertEquals(m, p.m());
        ConeDims expected = new ConeDims(zero, nonneg, ints(soc), ints(psd), exp, 0, new double[0]);
        assertEquals(expected, p.cones());
        assertEquals(nnzA, p.a().nnz());
        assertEquals(nnzP, p.p() == null ? 0 : p.p().nnz());
        assertEquals(constraints, fp.constraintCount());
        assertFalse(fp.maximize());
        assertEquals(0.0, fp.objectiveConstant());
        assertTrue(fp.warnings().isEmpty(), fp.warnings().toString());
    }

    private static int[] ints(String s) {
        return s.isBlank() ? new int[0] : Arrays.stream(s.trim().split(" ")).mapToInt(Integer::parseInt).toArray();
    }

    /**
     * A reference point (computed once with an independent solver from the program this reader
     * builds) is feasible and attains the optimum published with the collection (data/README.md).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "netlib/afiro.mps, -4.6475314286E+02, 1e-9",
            "netlib/sc50a.mps, -6.4575077059E+01, 1e-9",
            "netlib/adlittle.mps, 2.2549496316E+05, 1e-9",
            "netlib/blend.mps, -3.0812149846E+01, 1e-9",
            "netlib/kb2.mps, -1.7499001299E+03, 1e-9",
            "netlib/recipe.mps, -2.6661600000E+02, 1e-9",
            "maros_meszaros/HS21.qps, 0.04, 1e-9",
            "maros_meszaros/HS35.qps, -8.8888888889, 1e-8",
            "maros_meszaros/HS118.qps, 664.82045, 1e-8",
            "maros_meszaros/QAFIRO.qps, -1.5907817939, 1e-8",
            "maros_meszaros/DUALC1.qps, 6155.2508295, 1e-8",
            "maros_meszaros/CVXQP1_S.qps, 11590.718119, 1e-8",
            "cblib/demb782.cbf, 0.69314718015, 1e-8",
            "cblib/bss1.cbf, 1.7112389609, 1e-8",
            "cblib/gptest.cbf, -4.4142865377, 1e-8",
    })
    void knownOptimumAtReferencePoint(String file, double optimum, double feasTol) throws IOException {
        FileProblem fp = read(file);
        String name = Path.of(file).getFileName().toString();
        double[] x = readVector(ProblemFiles.resource("solutions/" + name + ".x"));
        assertEquals(fp.program().n(), x.length);
        assertTrue(ProblemFiles.feasible(fp.program(), x, feasTol * scale(fp.program())), file);
        double value = fp.fileObjective(fp.program().objective(x));
        assertEquals(optimum, value, 2e-9 * Math.max(1, Math.abs(optimum)));
    }

    private static double scale(ConeProgram p) {
        double max = 1;
        for (double v : p.b()) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static double[] readVector(Path path) throws IOException {
        List<String> lines = Files.readAllLines(path);
        return lines.stream().filter(l -> !l.startsWith("#") && !l.isBlank()).mapToDouble(Double::parseDouble)
                .toArray();
    }

    @Test
    void hs21AndHs35AtTheirAnalyticOptima() throws IOException {
        // HS21: min 0.01·x0² + x1² s.t. 10·x0 − x1 ≥ 10, 2 ≤ x0 ≤ 50, −50 ≤ x1 ≤ 50; x* = (2, 0)
        FileProblem hs21 = read("maros_meszaros/HS21.qps");
        double[] x21 = {2, 0};
        assertTrue(ProblemFiles.feasible(hs21.program(), x21, 0));
        assertEquals(0.04, hs21.fileObjective(hs21.program().objective(x21)), 1e-15);
        assertFalse(ProblemFiles.feasible(hs21.program(), new double[] {1.9, 0}, 1e-12));
        assertEquals(List.of("C0", "C1"), hs21.variableNames());
        assertEquals("HS21", hs21.name());

        // HS35: ½xᵀQx + cᵀx, x ≥ 0, x0 + x1 + 2·x2 ≤ 3; x* = (4/3, 7/9, 4/9), f* = 1/9 − 9
        FileProblem hs35 = read("maros_meszaros/HS35.qps");
        double[] x35 = {4.0 / 3, 7.0 / 9, 4.0 / 9};
        assertTrue(ProblemFiles.feasible(hs35.program(), x35, 1e-15));
        assertEquals(1.0 / 9 - 9, hs35.fileObjective(hs35.program().objective(x35)), 1e-14);
        assertArrayEquals(new double[][] {{4, 2, 2}, {0, 4, 0}, {0, 0, 2}}, hs35.program().p().toDense());
    }

    @Test
    void truss1AttainsTheSdplibOptimumWithTheSdpaSign() throws IOException {
        // min −x1 − 2·x3 with 2×2 blocks [[−x6, off_k], [off_k, −x1]] ⪰ 0 and x6 ≥ −1: up to the
        // 1e-6 perturbations of the data the optimum is x = (−9, 3, 9, 0, 6, −1), value −9.
        FileProblem fp = read("sdplib/truss1.dat-s");
        double[] x = {-9, 3, 9, 0, 6, -1};
        assertTrue(ProblemFiles.feasible(fp.program(), x, 1e-4));
        assertEquals(-8.999996, fp.fileObjective(fp.program().objective(x)), 1e-5);
        assertFalse(ProblemFiles.feasible(fp.program(), new double[] {-9, 3, 9.1, 0, 6, -1}, 1e-4));
        assertEquals("truss1", fp.name());
        assertTrue(fp.variableNames().isEmpty());
    }

    @Test
    void theta1BoundsTheLovaszNumberFromAbove() throws IOException {
        // min x1 s.t. x1·I + Σ y_ij E_ij − J ⪰ 0 (50 vertices): x1 = 51, y = 0 is feasible with value
        // 51 ≥ 23 = θ; x1 = 22 with y = 0 is not (J has the eigenvalue 50).
        FileProblem fp = read("sdplib/theta1.dat-s");
        double[] x = new double[104];
        x[0] = 51;
        assertTrue(ProblemFiles.feasible(fp.program(), x, 1e-9));
        assertEquals(51, fp.fileObjective(fp.program().objective(x)), 1e-12);
        x[0] = 22;
        assertFalse(ProblemFiles.feasible(fp.program(), x, 1e-9));
    }

    @Test
    void blendReadsItsBlankRhsSetNames() throws IOException {
        FileProblem fp = read("netlib/blend.mps");
        // the last RHS entries of blend.mps (blank set name): rows 65..72
        List<String> names = List.of("65", "66", "67", "68", "69", "70", "71", "72");
        double[] values = {23.26, 5.25, 26.32, 21.05, 13.45, 2.58, 10, 10};
        double[] b = fp.program().b();
        double sum = Arrays.stream(b).map(Math::abs).sum();
        double expected = Arrays.stream(values).sum();
        assertEquals(expected, sum, 1e-12, "only the RHS of rows " + names + " are nonzero");
    }
}
