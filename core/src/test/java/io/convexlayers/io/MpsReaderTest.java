// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.data.ConeProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MpsReaderTest {
    @TempDir
    Path dir;

    /** A data line with the six fixed MPS fields at columns 2-3, 5-12, 15-22, 25-36, 40-47, 50-61. */
    static String fixed(String f1, String f2, String f3, String f4, String f5, String f6) {
        String s = " " + pad(f1, 2) + " " + pad(f2, 8) + "  " + pad(f3, 8) + "  " + pad(f4, 12) + "   "
                + pad(f5, 8) + "  " + pad(f6, 12);
        return s.stripTrailing();
    }

    private static String pad(String s, int width) {
        return String.format("%-" + width + "s", s);
    }

    private static String lines(String eol, String... lines) {
        return String.join(eol, lines) + eol;
    }

    /** min x + 2y s.t. x + y ≤ 4, x ≥ 1, y = 3, x, y ≥ 0 — names with spaces, blank RHS set name. */
    private String tinyFixed(String eol) {
        return lines(eol,
                "NAME          TINY",
                "ROWS",
                fixed("N", "COST", "", "", "", ""),
                fixed("L", "LIM 1", "", "", "", ""),
                fixed("G", "MYEQN", "", "", "", ""),
                fixed("E", "EQ", "", "", "", ""),
                "COLUMNS",
                fixed("", "X ONE", "COST", "1.0", "LIM 1", "1.0"),
                fixed("", "X ONE", "MYEQN", "1.0", "", ""),
                fixed("", "Y", "COST", "2.0", "EQ", "1.0"),
                fixed("", "Y", "LIM 1", "1.0", "", ""),
                "RHS",
                fixed("", "", "LIM 1", "4.0", "MYEQN", "1.0"),
                fixed("", "", "EQ", "3.0", "", ""),
                "ENDATA");
    }

    @Test
    void fixedLayoutWithCrlfSpacesInNamesAndBlankRhsSetName() throws IOException {
        FileProblem fp = ProblemReader.read(ProblemFiles.write(dir, "tiny.mps", tinyFixed("\r\n")));
        ConeProgram p = fp.program();
        assertEquals("TINY", fp.name());
        assertEquals("mps", fp.format());
        assertEquals(List.of("X ONE", "Y"), fp.variableNames());
        assertEquals(3, fp.constraintCount());
        assertEquals(1, p.cones().zero());
        assertEquals(4, p.cones().nonneg());
        assertArrayEquals(new double[] {1, 2}, p.c());
        // rows: y = 3 | x − 1 ≥ 0, 4 − x − y ≥ 0 | x ≥ 0, y ≥ 0
        assertArrayEquals(new double[] {3, 4, -1, 0, 0}, p.b(), 0);
        assertTrue(ProblemFiles.feasible(p, new double[] {1, 3}, 0));
        assertFalse(ProblemFiles.feasible(p, new double[] {0.9, 3}, 1e-12));
        assertFalse(ProblemFiles.feasible(p, new double[] {1.1, 3}, 1e-12));
        assertFalse(ProblemFiles.feasible(p, new double[] {1, 2.9}, 1e-12));
        assertEquals(7, fp.fileObjective(p.objective(new double[] {1, 3})));
        assertArrayEquals(fp.fileVariables(new double[] {1, 3}), new double[] {1, 3});

        // the LF version reads the same; the free layout cannot read names with spaces
        FileProblem lf = ProblemReader.read(ProblemFiles.write(dir, "tinylf.mps", tinyFixed("\n")));
        assertSameProgram(p, lf.program());
        FileProblem forced = ProblemReader.readMps(dir.resolve("tiny.mps"), MpsLayout.FIXED);
        assertSameProgram(p, forced.program());
        ProblemFormatException e = assertThrows(ProblemFormatException.class,
                () -> ProblemReader.readMps(dir.resolve("tiny.mps"), MpsLayout.FREE));
        assertEquals(4, e.line());
    }

    static void assertSameProgram(ConeProgram expected, ConeProgram actual) {
        assertEquals(expected.cones(), actual.cones());
        assertArrayEquals(expected.a().toDense(), actual.a().toDense());
        assertArrayEquals(expected.b(), actual.b());
        assertArrayEquals(expected.c(), actual.c());
        if (expected.p() == null) {
            assertNull(actual.p());
        } else {
            assertArrayEquals(expected.p().toDense(), actual.p().toDense());
        }
    }

    @Test
    void freeLayoutWithMissingSetNamesMatchesFixed() throws IOException {
        String free = lines("\n",
                "NAME TINY",
                "ROWS",
                " N COST",
                " L LIM1",
                " G MYEQN",
                " E EQ",
                "COLUMNS",
                " XONE COST 1.0 LIM1 1.0",
                " XONE MYEQN 1.0",
                " Y COST 2 EQ 1",
                " Y LIM1 1e0",
                "RHS",
                " LIM1 4.0 MYEQN 1.0",
                " EQ 3",
                "ENDATA");
        FileProblem fp = ProblemReader.read(ProblemFiles.write(dir, "free.mps", free));
        FileProblem fixed = ProblemReader.read(ProblemFiles.write(dir, "tiny.mps", tinyFixed("\n")));
        assertSameProgram(fixed.program(), fp.program());
        assertEquals(List.of("XONE", "Y"), fp.variableNames());
        FileProblem gz = ProblemReader.read(ProblemFiles.write(dir, "free.mps.gz", free));
        assertSameProgram(fixed.program(), gz.program());
        assertEquals("TINY", gz.name());
    }

    @Test
    void rangesInEverySignCase() throws IOException {
        // one column per row, all columns free: the feasible values of x_i are row i's interval
        String[] rows = {"e1", "e2", "e3", "l1", "l2", "g1", "g2"};
        String[] types = {"E", "E", "E", "L", "L", "G", "G"};
        double[] ranges = {3, -3, 0, 3, -3, 3, -3};
        double[][] expected = {{2, 5}, {-1, 2}, {2, 2}, {-1, 2}, {-1, 2}, {2, 5}, {2, 5}};
        StringBuilder s = new StringBuilder("NAME RANGES\nROWS\n N obj\n");
        for (int i = 0; i < rows.length; i++) {
            s.append(' ').append(types[i]).append(' ').append(rows[i]).append('\n');
        }
        s.append("COLUMNS\n");
        for (int i = 0; i < rows.length; i++) {
            s.append(" x").append(i).append(' ').append(rows[i]).append(" 1 obj 1\n");
        }
        s.append("RHS\n");
        for (String row : rows) {
            s.append(" rhs ").append(row).append(" 2\n");
        }
        s.append("RANGES\n");
        for (int i = 0; i < rows.length; i++) {
            s.append(" rng ").append(rows[i]).append(' ').append(ranges[i]).append('\n');
        }
        s.append("BOUNDS\n");
        for (int i = 0; i < rows.length; i++) {
            s.append(" FR bnd x").append(i).append('\n');
        }
        s.append("ENDATA\n");
        ConeProgram p = ProblemReader.read(ProblemFiles.write(dir, "ranges.mps", s.toString())).program();
        assertEquals(1, p.cones().zero());
        assertEquals(12, p.cones().nonneg());
        assertInterval(p, expected);
    }

    /** For every variable i, x_i ranges over exactly [lo_i, hi_i] (±∞ probed at ∓1e6). */
    private static void assertInterval(ConeProgram p, double[][] intervals) {
        double[] base = new double[intervals.length];
        for (int i = 0; i < base.length; i++) {
            double lo = intervals[i][0];
            double hi = intervals[i][1];
            base[i] = Double.isFinite(lo) && Double.isFinite(hi) ? (lo + hi) / 2
                    : Double.isFinite(lo) ? lo + 1 : Double.isFinite(hi) ? hi - 1 : 0;
        }
        assertTrue(ProblemFiles.feasible(p, base, 0));
        for (int i = 0; i < base.length; i++) {
            double[] x = base.clone();
            double lo = intervals[i][0];
            double hi = intervals[i][1];
            String what = "variable " + i + " in [" + lo + ", " + hi + "]";
            x[i] = Double.isFinite(lo) ? lo : -1e6;
            assertTrue(ProblemFiles.feasible(p, x, 1e-12), what);
            x[i] = Double.isFinite(hi) ? hi : 1e6;
            assertTrue(ProblemFiles.feasible(p, x, 1e-12), what);
            if (Double.isFinite(lo)) {
                x[i] = lo - 1e-3;
                assertFalse(ProblemFiles.feasible(p, x, 1e-12), what);
            }
            if (Double.isFinite(hi)) {
                x[i] = hi + 1e-3;
                assertFalse(ProblemFiles.feasible(p, x, 1e-12), what);
            }
        }
    }

    @Test
    void everyBoundType() throws IOException {
        String text = lines("\n",
                "NAME BOUNDS",
                "ROWS",
                " N obj",
                "COLUMNS",
                " x1 obj 1", " x2 obj 1", " x3 obj 1", " x4 obj 1", " x5 obj 1", " x6 obj 1",
                " x7 obj 1", " x8 obj 1", " x9 obj 1", " x10 obj 1", " x11 obj 1",
                "RHS",
                "BOUNDS",
                " UP bnd x1 4",
                " LO bnd x2 -1",
                " FX bnd x3 2.5",
                " FR bnd x4",
                " MI bnd x5",
                " UP bnd x5 3",
                " LO bnd x6 1",
                " PL bnd x6",
                " UP bnd x8 -2",
                " UP bnd x9 -2",
                " LO bnd x9 -5",
                " UP bnd x10 1e30",
                " MI bnd x11",
                "ENDATA");
        FileProblem fp = ProblemReader.read(ProblemFiles.write(dir, "bounds.mps", text));
        double inf = Double.POSITIVE_INFINITY;
        double[][] expected = {{0, 4}, {-1, inf}, {2.5, 2.5}, {-inf, inf}, {-inf, 3}, {1, inf}, {0, inf},
                {-inf, -2}, {-5, -2}, {0, inf}, {-inf, inf}};
        assertInterval(fp.program(), expected);
        assertEquals(1, fp.program().cones().zero());
        assertEquals(10, fp.program().cones().nonneg());
        assertEquals(1, fp.warnings().size(), fp.warnings().toString());
        assertTrue(fp.warnings().get(0).contains("x8") && fp.warnings().get(0).contains("-infinity"));
        assertEquals(0, fp.constraintCount());
    }

    @Test
    void objectiveConstantAndMaximizeInBothObjsenseForms() throws IOException {
        String body = lines("\n",
                "ROWS",
                " N obj",
                " L c1",
                "COLUMNS",
                " x obj 3.0 c1 1.0",
                " y obj 2.0 c1 1.0",
                "RHS",
                " rhs obj 5.0 c1 4.0",
                "ENDATA");
        for (String sense : List.of("OBJSENSE\n    MAX\n", "OBJSENSE MAX\n", "OBJSENSE\n    MAXIMIZE\n",
                "OBJSENSE    MAXIMIZE\n")) {
            FileProblem fp = ProblemReader.read(ProblemFiles.write(dir, "max.mps", "NAME MAXP\n" + sense + body));
            assertTrue(fp.maximize(), sense);
            assertEquals(-5.0, fp.objectiveConstant());
            assertArrayEquals(new double[] {-3, -2}, fp.program().c());
            // f(x, y) = 3x + 2y − 5 at (1, 2) = 2
            double[] x = {1, 2};
            assertEquals(2.0, fp.fileObjective(fp.program().objective(x)), 1e-15);
        }
        FileProblem min = ProblemReader.read(ProblemFiles.write(dir, "min.mps", "NAME MINP\nOBJSENSE\n MIN\n" + body));
        assertFalse(min.maximize());
        assertArrayEquals(new double[] {3, 2}, min.program().c());
        assertEquals(2.0, min.fileObjective(min.program().objective(new double[] {1, 2})), 1e-15);
    }

    @Test
    void quadobjAndQmatrixDescribeTheSameObjective() throws IOException {
        // Q = [[4, 1, 0], [1, 2, −1], [0, −1, 3]], c = (1, −2, 0.5)
        String head = lines("\n",
                "NAME QP",
                "ROWS",
                " N obj",
                " L c1",
                "COLUMNS",
                " x obj 1 c1 1",
                " y obj -2 c1 1",
                " z obj 0.5 c1 1",
                "RHS",
                " rhs c1 10");
        String quadobj = lines("\n", "QUADOBJ", " x x 4", " y x 1", " y y 2", " z y -1", " z z 3", "ENDATA");
        String qmatrix = lines("\n", "QMATRIX", " x x 4", " x y 1", " y x 1", " y y 2", " y z -1", " z y -1",
                " z z 3", "ENDATA");
        FileProblem a = ProblemReader.read(ProblemFiles.write(dir, "a.qps", head + quadobj));
        FileProblem b = ProblemReader.read(ProblemFiles.write(dir, "b.qps", head + qmatrix));
        assertEquals("qps", a.format());
        assertSameProgram(a.program(), b.program());
        assertArrayEquals(new double[][] {{4, 1, 0}, {0, 2, -1}, {0, 0, 3}}, a.program().p().toDense());
        double[][] q = {{4, 1, 0}, {1, 2, -1}, {0, -1, 3}};
        double[] c = {1, -2, 0.5};
        Random rnd = new Random(7);
        for (int t = 0; t < 5; t++) {
            double[] x = {rnd.nextGaussian(), rnd.nextGaussian(), rnd.nextGaussian()};
            double f = 0;
            for (int i = 0; i < 3; i++) {
                f += c[i] * x[i];
                for (int j = 0; j < 3; j++) {
                    f += 0.5 * x[i] * q[i][j] * x[j];
                }
            }
            assertEquals(f, a.fileObjective(a.program().objective(x)), 1e-12);
            assertEquals(f, b.fileObjective(b.program().objective(x)), 1e-12);
        }
        // maximizing a concave objective −½xᵀQx + cᵀx is minimizing ½xᵀQx − cᵀx: P and c change sign
        String concave = lines("\n", "QUADOBJ", " x x -4", " y x -1", " y y -2", " z y 1", " z z -3", "ENDATA");
        FileProblem max = ProblemReader.read(ProblemFiles.write(dir, "max.qps",
                head.replace("NAME QP\n", "NAME QP\nOBJSENSE MAX\n") + concave));
        assertArrayEquals(new double[][] {{4, 1, 0}, {0, 2, -1}, {0, 0, 3}}, max.program().p().toDense());
        assertArrayEquals(new double[] {-1, 2, -0.5}, max.program().c());
    }

    @Test
    void asymmetricQmatrixUsesItsSymmetricPartWithAWarning() throws IOException {
        String text = lines("\n", "NAME QP", "ROWS", " N obj", "COLUMNS", " x obj 1", " y obj 1",
                "QMATRIX", " x x 2", " x y 1", " y x 3", " y y 2", "ENDATA");
        FileProblem fp = ProblemReader.read(ProblemFiles.write(dir, "asym.qps", text));
        assertArrayEquals(new double[][] {{2, 2}, {0, 2}}, fp.program().p().toDense());
        assertEquals(1, fp.warnings().size());
    }

    @Test
    void objnameFreeRowsAndExtraSetsAreHandled() throws IOException {
        String text = lines("\n",
                "NAME SETS",
                "OBJNAME",
                " cost",
                "ROWS",
                " N other",
                " N cost",
                " G r",
                "COLUMNS",
                " x other 9 cost 1",
                " x r 1",
                "RHS",
                " set1 r 2",
                " set2 r 7",
                " set1 other 4",
                "BOUNDS",
                " UP b1 x 10",
                " UP b2 x 1",
                "ENDATA");
        FileProblem fp = ProblemReader.read(ProblemFiles.write(dir, "sets.mps", text));
        assertArrayEquals(new double[] {1}, fp.program().c());
        assertEquals(0.0, fp.objectiveConstant());
        assertEquals(1, fp.constraintCount());
        assertInterval(fp.program(), new double[][] {{2, 10}});
        assertEquals(2, fp.warnings().size(), fp.warnings().toString());
    }
}
