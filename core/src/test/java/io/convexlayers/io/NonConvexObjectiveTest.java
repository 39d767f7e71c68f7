// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A QP whose objective is not convex is refused with a direction of negative curvature (it used to
 * end as "failed" with a NaN objective and no hint).
 */
class NonConvexObjectiveTest {
    @TempDir
    Path dir;

    /** min ½xᵀQx over three free variables with the QUADOBJ lines given (lines 1–11 before them). */
    private static String qp(String sense, String... quadobj) {
        StringBuilder s = new StringBuilder("NAME NC\n");
        if (!sense.isEmpty()) {
            s.append("OBJSENSE ").append(sense).append('\n');
        }
        s.append("ROWS\n N obj\nCOLUMNS\n x obj 1\n y obj 1\n z obj 1\nBOUNDS\n FR b x\n FR b y\n FR b z\nQUADOBJ\n");
        for (String q : quadobj) {
            s.append(' ').append(q).append('\n');
        }
        return s.append("ENDATA\n").toString();
    }

    private NonConvexObjectiveException refused(String text) throws IOException {
        Path p = ProblemFiles.write(dir, "nc.qps", text);
        NonConvexObjectiveException e = assertThrows(NonConvexObjectiveException.class, () -> ProblemReader.read(p));
        assertEquals("nc.qps", e.file());
        assertTrue(e.getMessage().contains("negative curvature"), e.getMessage());
        double[] x = e.certificate();
        assertEquals(3, x.length);
        assertTrue(e.curvature() < 0, e.getMessage());
        return e;
    }

    /** xᵀQx for the symmetric Q given by its lower-triangle entries. */
    private static double quadratic(double[][] q, double[] x) {
        double v = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                v += x[i] * q[i][j] * x[j];
            }
        }
        return v;
    }

    @Test
    void negativeDiagonalEntry() throws IOException {
        NonConvexObjectiveException e = refused(qp("", "x x 1", "y y -2", "z z 1"));
        assertEquals(12, e.line(), "the QUADOBJ header");
        assertEquals(-2, e.curvature(), 1e-12);
        assertEquals(1, Math.abs(e.certificate()[1]), 1e-12);
        assertTrue(e.found().contains("y = "), e.getMessage());
        assertTrue(e.expected().contains("positive semidefinite"), e.getMessage());
    }

    @Test
    void indefiniteTwoByTwoBlockWithPositiveDiagonal() throws IOException {
        double[][] q = {{1, 3, 0}, {3, 1, 0}, {0, 0, 1}}; // eigenvalues 4, −2, 1
        NonConvexObjectiveException e = refused(qp("", "x x 1", "y x 3", "y y 1", "z z 1"));
        assertEquals(-2, e.curvature(), 1e-9, "the minor's eigenvector is the most negative direction");
        double[] x = e.certificate();
        assertTrue(quadratic(q, x) < 0);
    }

    @Test
    void indefiniteOnlyAsAWhole() throws IOException {
        // every diagonal entry and 2×2 minor is fine; the 3×3 matrix has a negative eigenvalue
        double[][] q = {{1, 0.9, -0.9}, {0.9, 1, 0.9}, {-0.9, 0.9, 1}};
        NonConvexObjectiveException e = refused(qp("", "x x 1", "y x 0.9", "z x -0.9", "y y 1", "z y 0.9", "z z 1"));
        double[] x = e.certificate();
        double xx = x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
        assertEquals(quadratic(q, x) / xx, e.curvature(), 1e-9);
        // a Rayleigh quotient: between the smallest eigenvalue, −0.8, and zero
        assertTrue(e.curvature() >= -0.8 - 1e-9 && e.curvature() < 0, "curvature " + e.curvature());
    }

    @Test
    void maximizingAConvexQuadraticIsNotConvex() throws IOException {
        NonConvexObjectiveException e = refused(qp("MAX", "x x 1", "y y 1", "z z 1"));
        assertTrue(e.expected().contains("negative semidefinite for a maximization"), e.getMessage());
        assertEquals(13, e.line());
    }

    @Test
    void semidefiniteObjectivesAreAccepted() throws IOException {
        // singular (rank one), and concave for a maximization
        assertNotNull(ProblemReader.read(ProblemFiles.write(dir, "psd.qps", qp("", "x x 1", "y x 1", "y y 1"))));
        assertNotNull(ProblemReader.read(ProblemFiles.write(dir, "nsd.qps", qp("MAX", "x x -1", "z z -2"))));
        double[][] gram = new double[3][3];
        double[][] v = {{1, 2, 3}, {-1, 0.5, 2}};
        StringBuilder entries = new StringBuilder();
        String[] names = {"x", "y", "z"};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j <= i; j++) {
                for (double[] r : v) {
                    gram[i][j] += r[i] * r[j];
                }
                entries.append(names[i]).append(' ').append(names[j]).append(' ').append(gram[i][j]).append(',');
            }
        }
        assertNotNull(ProblemReader.read(ProblemFiles.write(dir, "gram.qps", qp("", entries.toString().split(",")))));
    }

    @Test
    void everyBundledQpIsConvex() throws IOException {
        for (String f : new String[] {"CVXQP1_S.qps", "DUALC1.qps", "HS118.qps", "HS21.qps", "HS35.qps", "QAFIRO.qps"}) {
            assertNotNull(ProblemReader.read(ProblemFiles.resource("maros_meszaros/" + f)), f);
        }
    }
}
