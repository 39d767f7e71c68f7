// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LdlSymbolicTest {

    /** The pattern of L by dense boolean elimination, the textbook definition. */
    private static boolean[][] denseFill(boolean[][] sym) {
        int n = sym.length;
        boolean[][] f = new boolean[n][];
        for (int i = 0; i < n; i++) {
            f[i] = sym[i].clone();
        }
        for (int k = 0; k < n; k++) {
            for (int i = k + 1; i < n; i++) {
                if (!f[i][k]) {
                    continue;
                }
                for (int j = k + 1; j < n; j++) {
                    if (f[j][k]) {
                        f[i][j] = true;
                        f[j][i] = true;
                    }
                }
            }
        }
        return f;
    }

    @Test
    void patternMatchesDenseElimination() {
        Random r = new Random(17);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + r.nextInt(40);
            double p = 0.02 + 0.2 * r.nextDouble();
            boolean[][] sym = new boolean[n][n];
            for (int i = 0; i < n; i++) {
                sym[i][i] = true;
                for (int j = 0; j < i; j++) {
                    sym[i][j] = sym[j][i] = r.nextDouble() < p;
                }
            }
            int[] cs = new int[n + 1];
            List<Integer> rows = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                for (int i = 0; i <= c; i++) {
                    if (sym[i][c]) {
                        rows.add(i);
                    }
                }
                cs[c + 1] = rows.size();
            }
            LdlSymbolic s = new LdlSymbolic(n, cs, rows.stream().mapToInt(Integer::intValue).toArray());
            boolean[][] f = denseFill(sym);
            int expected = 0;
            for (int j = 0; j < n; j++) {
                int prev = -1;
                for (int q = s.lColStart[j]; q < s.lColStart[j + 1]; q++) {
                    int i = s.lRowIndex[q];
                    assertTrue(i > j && i > prev && f[i][j], "entry (" + i + "," + j + ")");
                    prev = i;
                }
                for (int i = j + 1; i < n; i++) {
                    if (f[i][j]) {
                        expected++;
                    }
                }
                // parent = first off-diagonal row of column j
                int parent = s.lColStart[j + 1] > s.lColStart[j] ? s.lRowIndex[s.lColStart[j]] : -1;
                assertEquals(parent, s.parent[j]);
            }
            assertEquals(expected, s.nnz());
            // row lists point at the right entries
            for (int k = 0; k < n; k++) {
                for (int t = s.rowStart[k]; t < s.rowStart[k + 1]; t++) {
                    assertEquals(k, s.lRowIndex[s.rowPos[t]]);
                    assertTrue(s.rowPos[t] >= s.lColStart[s.rowCols[t]] && s.rowPos[t] < s.lColStart[s.rowCols[t] + 1]);
                }
            }
        }
    }
}
