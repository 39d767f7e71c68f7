// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CbfReaderTest {
    private static final double R2 = Math.sqrt(2);

    @TempDir
    Path dir;

    private FileProblem read(String... lines) throws IOException {
        return ProblemReader.read(ProblemFiles.write(dir, "p.cbf", String.join("\n", lines) + "\n"));
    }

    private static final String HEAD = "# a comment\nVER\n3\n\nOBJSENSE\nMIN\n";

    @Test
    void linearConesOnVariablesAndConstraints() throws IOException {
        FileProblem fp = read(HEAD,
                "VAR", "4 4", "L+ 1", "L- 1", "L= 1", "F 1",
                "CON", "3 3", "L+ 1", "L- 1", "L= 1",
                "OBJACOORD", "1", "3 1.0",
                "ACOORD", "4", "0 3 1.0", "1 3 1.0", "2 3 1.0", "2 0 2.0",
                "BCOORD", "3", "0 -1.0", "1 -5.0", "2 -2.0");
        ConeProgram p = fp.program();
        assertEquals(new ConeDims(2, 4, null, null, 0, 0, null), p.cones());
        double[] x = {0.5, -1, 0, 1.5};
        // g_con = (x3 − 1, x3 − 5, x3 + 2·x0 − 2) = (0.5, −3.5, 0.5)
        // zero rows: x2 (VAR L=), g2 | nonneg: x0, −x1 (VAR), g0, −g1
        assertArrayEquals(new double[] {0, 0.5, 0.5, 1, 0.5, 3.5}, ProblemFiles.slack(p, x), 1e-15);
        assertEquals(1.5, fp.fileObjective(p.objective(x)));
        assertEquals(3, fp.constraintCount());
        assertEquals(4, fp.fileVariableCount());
        assertTrue(fp.variableNames().isEmpty());
    }

    @Test
    void quadraticConeKeepsItsOrder() throws IOException {
        FileProblem fp = read(HEAD, "VAR", "3 1", "Q 3");
        assertArrayEquals(new int[] {3}, fp.program().cones().soc());
        assertTrue(ProblemFiles.feasible(fp.program(), new double[] {5, 3, -4}, 1e-12));
        assertFalse(ProblemFiles.feasible(fp.program(), new double[] {5, 3, 4.01}, 1e-12));
        assertFalse(ProblemFiles.feasible(fp.program(), new double[] {-5, 0, 0}, 1e-12));
    }

    @Test
    void rotatedQuadraticConeBecomesAnOrthogonallyMappedSecondOrderCone() throws IOException {
        FileProblem fp = read(HEAD, "VAR", "3 1", "QR 3");
        ConeProgram p = fp.program();
        assertArrayEquals(new int[] {3}, p.cones().soc());
        // 2·x1·x2 ≥ x3², x1, x2 ≥ 0
        assertTrue(ProblemFiles.feasible(p, new double[] {1, 2, 2}, 1e-12));
        assertTrue(ProblemFiles.feasible(p, new double[] {1, 2, -2}, 1e-12));
        assertTrue(ProblemFiles.feasible(p, new double[] {0, 5, 0}, 1e-12));
        assertTrue(ProblemFiles.feasible(p, new double[] {0.5, 0.5, 0.7}, 1e-12));
        assertFalse(ProblemFiles.feasible(p, new double[] {0.5, 0.5, 0.71}, 1e-12));
        assertFalse(ProblemFiles.feasible(p, new double[] {1, 2, 2.01}, 1e-12));
        assertFalse(ProblemFiles.feasible(p, new double[] {-1, -2, 0}, 1e-12));
        // s = ((x1 + x2)/√2, (x1 − x2)/√2, x3)
        assertArrayEquals(new double[] {3 / R2, -1 / R2, 2}, ProblemFiles.slack(p, new double[] {1, 2, 2}), 1e-15);

        // the same cone on an affine constraint g = (x0 + 1, 2, x1)
        FileProblem con = read(HEAD, "VAR", "2 1", "F 2", "CON", "3 1", "QR 3",
                "ACOORD", "2", "0 0 1", "2 1 1", "BCOORD", "2", "0 1", "1 2");
        assertTrue(ProblemFiles.feasible(con.program(), new double[] {0, 2}, 1e-12)); // 2·1·2 ≥ 4
        assertFalse(ProblemFiles.feasible(con.program(), new double[] {0, 2.01}, 1e-12));
        assertFalse(ProblemFiles.feasible(con.program(), new double[] {-1.01, 0}, 1e-12));
    }

    @Test
    void exponentialConesAreReorderedToTheSolverOrder() throws IOException {
        // CBF EXP: x1 ≥ x2·exp(x3/x2); solver: (x, y, z) with y·e^{x/y} ≤ z
        FileProblem fp = read(HEAD, "VAR", "3 1", "EXP 3");
        ConeProgram p = fp.program();
        assertEquals(1, p.cones().exp());
        assertArrayEquals(new double[] {1, 1, 3}, ProblemFiles.slack(p, new double[] {3, 1, 1}), 0);
        assertTrue(ProblemFiles.feasible(p, new double[] {3, 1, 1}, 0));
        assertFalse(ProblemFiles.feasible(p, new double[] {2.7, 1, 1}, 0));
        assertTrue(ProblemFiles.feasible(p, new double[] {2.5, 2, 0.1}, 0));
        assertFalse(ProblemFiles.feasible(p, new double[] {1, 2, 0}, 0));

        // CBF EXP*: u1 ≥ −u3·exp(u2/u3 − 1), u1 ≥ 0, u3 ≤ 0
        FileProblem dual = read(HEAD, "VAR", "3 1", "EXP* 3");
        assertEquals(1, dual.program().cones().dualExp());
        double bound = Math.exp(-2); // u3 = −1, u2 = 1
        assertTrue(ProblemFiles.feasible(dual.program(), new double[] {bound + 1e-9, 1, -1}, 0));
        assertFalse(ProblemFiles.feasible(dual.program(), new double[] {bound - 1e-9, 1, -1}, 0));

        // on a constraint with constants: g = (x0, 1, 0.5) in EXP ⇔ x0 ≥ e^{0.5}
        FileProblem con = read(HEAD, "VAR", "1 1", "F 1", "CON", "3 1", "EXP 3",
                "ACOORD", "1", "0 0 1", "BCOORD", "2", "1 1", "2 0.5");
        assertTrue(ProblemFiles.feasible(con.program(), new double[] {Math.exp(0.5) + 1e-12}, 0));
        assertFalse(ProblemFiles.feasible(con.program(), new double[] {Math.exp(0.5) - 1e-9}, 0));
    }

    @Test
    void powerConesNormalizeTheirParameters() throws IOException {
        FileProblem fp = read(HEAD, "POWCONES", "1 2", "2", "1.0", "3.0", "VAR", "3 1", "@0:POW 3");
        ConeProgram p = fp.program();
        assertArrayEquals(new double[] {0.25}, p.cones().power());
        // x1^{1/4}·x2^{3/4} ≥ |x3|
        assertTrue(ProblemFiles.feasible(p, new double[] {16, 1, 2}, 1e-12));
        assertFalse(ProblemFiles.feasible(p, new double[] {16, 1, 2.01}, 1e-12));
        assertTrue(ProblemFiles.feasible(p, new double[] {1, 16, -8}, 1e-12));
        assertFalse(ProblemFiles.feasible(p, new double[] {1, 16, -8.01}, 1e-12));

        FileProblem dual = read(HEAD, "POW*CONES", "1 2", "2", "1.0", "3.0", "VAR", "3 1", "@0:POW* 3");
        assertArrayEquals(new double[] {-0.25}, dual.program().cones().power());
        // (u/α)^α (v/(1−α))^{1−α} ≥ |w| with α = 1/4: u = 1/4, v = 3/4 allow |w| ≤ 1
        assertTrue(ProblemFiles.feasible(dual.program(), new double[] {0.25, 0.75, 1}, 1e-12));
        assertFalse(ProblemFiles.feasible(dual.program(), new double[] {0.25, 0.75, 1.01}, 1e-12));
    }

    @Test
    void psdVariablesUseSvecScalingInObjectiveAndConstraints() throws IOException {
        // min ⟨C, X⟩ + 3·x0, C = [[1, .5], [.5, 2]], s.t. ⟨F, X⟩ − x0 − 1 = 0 with F = [[0, 1], [1, 1]]
        FileProblem fp = read(HEAD,
                "PSDVAR", "1", "2",
                "VAR", "1 1", "F 1",
                "CON", "1 1", "L= 1",
                "OBJFCOORD", "3", "0 0 0 1.0", "0 1 0 0.5", "0 1 1 2.0",
                "OBJACOORD", "1", "0 3.0",
                "FCOORD", "2", "0 0 1 0 1.0", "0 0 1 1 1.0",
                "ACOORD", "1", "0 0 -1.0",
                "BCOORD", "1", "0 -1.0");
        ConeProgram p = fp.program();
        assertArrayEquals(new int[] {2}, p.cones().psd());
        assertEquals(1, p.cones().zero());
        assertEquals(4, p.n());
        assertEquals(1, fp.scalarVariableCount());
        assertArrayEquals(new int[] {2}, fp.psdVariableOrders());
        double[][] xMat = {{2, 0.7}, {0.7, 1}};
        double x0 = 2 * 0.7 + 1 - 1; // ⟨F, X⟩ − 1
        double[] sv = ProblemFiles.svec(xMat);
        double[] x = {x0, sv[0], sv[1], sv[2]};
        double inner = 2 + 2 * 0.5 * 0.7 + 2 * 1; // ⟨C, X⟩
        assertEquals(inner + 3 * x0, fp.fileObjective(p.objective(x)), 1e-14);
        assertTrue(ProblemFiles.feasible(p, x, 1e-14));
        assertArrayEquals(new double[] {x0, 2, 0.7, 1}, fp.fileVariables(x), 1e-15);
        double[] bad = {x0 + 0.01, sv[0], sv[1], sv[2]};
        assertFalse(ProblemFiles.feasible(p, bad, 1e-12));
        double[] notPsd = ProblemFiles.svec(new double[][] {{1, 2}, {2, 1}});
        assertFalse(ProblemFiles.feasible(p, new double[] {2 * 2 + 1 - 1, notPsd[0], notPsd[1], notPsd[2]}, 1e-12));
    }

    @Test
    void psdConstraintsFromHcoordAndDcoord() throws IOException {
        // G = x0·[[1, 0], [0, 0]] + x1·[[0, 1], [1, 0]] + [[−1, 0], [0, 1]] ⪰ 0 ⇔ x0 ≥ 1 + x1²
        FileProblem fp = read(HEAD, "VAR", "2 1", "F 2", "PSDCON", "1", "2",
                "HCOORD", "2", "0 0 0 0 1.0", "0 1 1 0 1.0",
                "DCOORD", "2", "0 1 1 1.0", "0 0 0 -1.0");
        ConeProgram p = fp.program();
        assertArrayEquals(new int[] {2}, p.cones().psd());
        assertEquals(1, fp.constraintCount());
        assertArrayEquals(ProblemFiles.svec(new double[][] {{1, 1}, {1, 1}}),
                ProblemFiles.slack(p, new double[] {2, 1}), 1e-15);
        assertTrue(ProblemFiles.feasible(p, new double[] {2, 1}, 1e-12));
        assertTrue(ProblemFiles.feasible(p, new double[] {5, -1}, 1e-12));
        assertFalse(ProblemFiles.feasible(p, new double[] {2, 1.01}, 1e-9));
        // an upper-triangle coordinate is its mirror
        FileProblem upper = read(HEAD, "VAR", "2 1", "F 2", "PSDCON", "1", "2",
                "HCOORD", "2", "0 0 0 0 1.0", "0 1 0 1 1.0",
                "DCOORD", "2", "0 1 1 1.0", "0 0 0 -1.0");
        MpsReaderTest.assertSameProgram(p, upper.program());
    }

    @Test
    void maximizeAndObjectiveConstant() throws IOException {
        FileProblem fp = ProblemReader.read(ProblemFiles.write(dir, "max.cbf", String.join("\n",
                "VER", "1", "OBJSENSE", "MAX", "VAR", "2 1", "L+ 2",
                "OBJACOORD", "2", "0 2.0", "1 -1.0", "OBJBCOORD", "2.5", "")));
        assertTrue(fp.maximize());
        assertEquals(2.5, fp.objectiveConstant());
        assertArrayEquals(new double[] {-2, 1}, fp.program().c());
        assertEquals(2 * 3 - 1 + 2.5, fp.fileObjective(fp.program().objective(new double[] {3, 1})), 1e-15);
        assertEquals("max", fp.name());
        assertEquals("cbf", fp.format());
    }
}
