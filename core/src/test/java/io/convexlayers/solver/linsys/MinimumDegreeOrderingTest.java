// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MinimumDegreeOrderingTest {

    /** A symmetric graph from an edge list. */
    private record Graph(int n, int[] start, int[] adj) {
        static Graph of(int n, List<int[]> edges) {
            int[] deg = new int[n];
            for (int[] e : edges) {
                deg[e[0]]++;
                deg[e[1]]++;
            }
            int[] start = new int[n + 1];
            for (int i = 0; i < n; i++) {
                start[i + 1] = start[i] + deg[i];
            }
            int[] fill = start.clone();
            int[] adj = new int[start[n]];
            for (int[] e : edges) {
                adj[fill[e[0]]++] = e[1];
                adj[fill[e[1]]++] = e[0];
            }
            return new Graph(n, start, adj);
        }

        static Graph random(int n, double p, long seed) {
            Random r = new Random(seed);
            List<int[]> edges = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (r.nextDouble() < p) {
                        edges.add(new int[] {i, j});
                    }
                }
            }
            return of(n, edges);
        }

        static Graph grid(int k) {
            List<int[]> edges = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    if (i + 1 < k) {
                        edges.add(new int[] {i * k + j, (i + 1) * k + j});
                    }
                    if (j + 1 < k) {
                        edges.add(new int[] {i * k + j, i * k + j + 1});
                    }
                }
            }
            return of(k * k, edges);
        }

        /** nnz of strictly lower L for elimination order perm, by the symbolic analysis. */
        int fill(int[] perm) {
            int[] pinv = MinimumDegreeOrdering.inverse(perm);
            List<List<Integer>> cols = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                cols.add(new ArrayList<>());
                cols.get(c).add(c);
            }
            for (int v = 0; v < n; v++) {
                for (int t = start[v]; t < start[v + 1]; t++) {
                    int a = pinv[v];
                    int b = pinv[adj[t]];
                    if (a < b) {
                        cols.get(b).add(a);
                    }
                }
            }
            int[] cs = new int[n + 1];
            List<Integer> rows = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                rows.addAll(cols.get(c));
                cs[c + 1] = rows.size();
            }
            return new LdlSymbolic(n, cs, rows.stream().mapToInt(Integer::intValue).toArray()).nnz();
        }
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    private static void assertPermutation(int[] perm, int n) {
        assertEquals(n, perm.length);
        boolean[] seen = new boolean[n];
        for (int v : perm) {
            assertTrue(v >= 0 && v < n && !seen[v], "not a permutation at " + v);
            seen[v] = true;
        }
    }

    @Test
    void returnsPermutations() {
        for (int n : new int[] {0, 1, 2, 7, 60, 300}) {
            for (double p : new double[] {0.0, 0.02, 0.2, 0.9}) {
                Graph g = Graph.random(n, p, 31L * n + (long) (p * 100));
                assertPermutation(MinimumDegreeOrdering.order(n, g.start, g.adj), n);
            }
        }
    }

    @Test
    void ignoresSelfLoopsAndRepeatedEdges() {
        List<int[]> edges = new ArrayList<>();
        edges.add(new int[] {0, 1});
        edges.add(new int[] {1, 0});
        edges.add(new int[] {2, 2});
        edges.add(new int[] {1, 2});
        Graph g = Graph.of(3, edges);
        assertPermutation(MinimumDegreeOrdering.order(3, g.start, g.adj), 3);
    }

    @Test
    void starHubIsEliminatedLast() {
        int n = 40;
        List<int[]> edges = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            edges.add(new int[] {0, i});
        }
        Graph g = Graph.of(n, edges);
        int[] perm = MinimumDegreeOrdering.order(n, g.start, g.adj);
        assertEquals(n - 1, g.fill(perm), "no fill: one entry per leaf");
        assertEquals(n * (n - 1) / 2, g.fill(identity(n)), "hub first fills completely");
    }

    @Test
    void treesHaveNoFill() {
        Random r = new Random(3);
        int n = 200;
        List<int[]> edges = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            edges.add(new int[] {r.nextInt(i), i});
        }
        Graph g = Graph.of(n, edges);
        assertEquals(n - 1, g.fill(MinimumDegreeOrdering.order(n, g.start, g.adj)));
    }

    @Test
    void gridFillIsFarBelowTheBandedOrder() {
        Graph g = Graph.grid(30);
        int amd = g.fill(MinimumDegreeOrdering.order(g.n, g.start, g.adj));
        int natural = g.fill(identity(g.n));
        assertTrue(amd < 0.5 * natural, "amd " + amd + " natural " + natural);
    }

    @Test
    void randomKktFillIsBelowNaturalOrder() {
        RandomKkt kkt = RandomKkt.create(9, RandomKkt.Spec.of(150, 300, 1, 0.02));
        int[][] graph = KktPattern.graph(kkt.mats);
        int size = 450;
        Graph g = new Graph(size, graph[0], graph[1]);
        int amd = g.fill(MinimumDegreeOrdering.order(size, graph[0], graph[1]));
        int natural = g.fill(identity(size));
        assertTrue(amd < natural, "amd " + amd + " natural " + natural);
    }

    @Test
    void denseNodesGoLast() {
        int n = 400;
        List<int[]> edges = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            edges.add(new int[] {0, i});
            if (i + 1 < n) {
                edges.add(new int[] {i, i + 1});
            }
        }
        Graph g = Graph.of(n, edges);
        int[] perm = MinimumDegreeOrdering.order(n, g.start, g.adj);
        assertEquals(0, perm[n - 1]);
    }

    @Test
    void inverse() {
        assertArrayEquals(new int[] {2, 0, 1}, MinimumDegreeOrdering.inverse(new int[] {1, 2, 0}));
    }
}
