// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import java.util.Arrays;

/**
 * A fill-reducing symmetric ordering by approximate minimum degree (AMD; Amestoy, Davis and Duff,
 * "An approximate minimum degree ordering algorithm", SIAM J. Matrix Anal. Appl. 17(4), 1996).
 *
 * <p>Works on the quotient graph: eliminated nodes become <em>elements</em> (cliques stored by their
 * member lists), so the graph never grows. At each step the variable of least approximate external
 * degree is eliminated; the degrees of the variables of its new element L_p are updated with AMD's
 * bound d̄ᵢ = min(n − k − |i|, dᵢ + |L_p \ i|, |Aᵢ \ i| + |L_p \ i| + Σ_{e ∈ Eᵢ \ p} |L_e \ L_p|),
 * where the |L_e \ L_p| come from one pass over L_p. Also: element absorption (elements adjacent
 * to p, and aggressive absorption of elements covered by L_p), pruning of variable edges covered by
 * L_p, mass elimination of variables whose only neighbour is L_p, and supervariables (variables
 * with identical adjacency, found by hashing, eliminated together). Nodes whose initial degree
 * exceeds max(16, 10·√n) are dense: they are ordered last.
 *
 * <p>Cost is about O(nnz(L)) for the graphs seen here; it runs once per problem structure.
 */
final class MinimumDegreeOrdering {
    private static final byte VARIABLE = 0;
    private static final byte ELEMENT = 1;
    private static final byte DEAD = 2;
    private static final byte DENSE = 3;

    private final int n;
    private final byte[] status;
    /** Weight of a principal supervariable; 0 once absorbed. */
    private final int[] nv;
    private final int[][] elems;
    private final int[] elemCount;
    private final int[][] vars;
    private final int[] varCount;
    private final int[][] members;
    private final int[] elemWeight;
    private final int[] degree;
    private final int[] head;
    private final int[] next;
    private final int[] prev;
    private final int[] w;
    private int wflg = 1;
    private final int[] mark;
    private int stamp = 0;
    private final int[] chainNext;
    private final int[] chainTail;
    private final int[] order;
    private int emitted = 0;
    private final int[] lp;
    private final int[] partial;
    private final int[] hash;
    private final int[] hashHead;
    private final int[] hashNext;

    private MinimumDegreeOrdering(int n) {
        this.n = n;
        status = new byte[n];
        nv = new int[n];
        elems = new int[n][];
        elemCount = new int[n];
        vars = new int[n][];
        varCount = new int[n];
        members = new int[n][];
        elemWeight = new int[n];
        degree = new int[n];
        head = new int[n + 1];
        next = new int[n];
        prev = new int[n];
        w = new int[n];
        mark = new int[n];
        chainNext = new int[n];
        chainTail = new int[n];
        order = new int[n];
        lp = new int[n];
        partial = new int[n];
        hash = new int[n];
        hashHead = new int[n];
        hashNext = new int[n];
    }

    /**
     * Orders the nodes of a symmetric graph.
     *
     * @param n        number of nodes
     * @param adjStart length n + 1: the neighbours of node i are {@code adj[adjStart[i] ..
     *                 adjStart[i+1])}; each edge must appear in both directions; self loops and
     *                 repeated edges are ignored
     * @return perm with perm[k] = the node eliminated k-th
     */
    public static int[] order(int n, int[] adjStart, int[] adj) {
        if (adjStart.length != n + 1) {
            throw new IllegalArgumentException("adjStart must have length n + 1 = " + (n + 1));
        }
        MinimumDegreeOrdering o = new MinimumDegreeOrdering(n);
        o.run(adjStart, adj);
        return o.order;
    }

    /** The inverse of a permutation: inv[perm[k]] = k. */
    public static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int k = 0; k < perm.length; k++) {
            inv[perm[k]] = k;
        }
        return inv;
    }

    private void run(int[] adjStart, int[] adj) {
        int denseLimit = (int) Math.max(16, 10 * Math.sqrt(n));
        Arrays.fill(mark, -1);
        int live = 0;
        for (int i = 0; i < n; i++) {
            int count = 0;
            int[] list = new int[adjStart[i + 1] - adjStart[i]];
            for (int t = adjStart[i]; t < adjStart[i + 1]; t++) {
                int j = adj[t];
                if (j != i && mark[j] != i) {
                    mark[j] = i;
                    list[count++] = j;
                }
            }
            vars[i] = list;
            varCount[i] = count;
            elems[i] = new int[2];
            nv[i] = 1;
            chainNext[i] = -1;
            chainTail[i] = i;
            if (count > denseLimit) {
                status[i] = DENSE;
            } else {
                live++;
            }
        }
        Arrays.fill(mark, 0);
        Arrays.fill(head, -1);
        for (int i = 0; i < n; i++) {
            if (status[i] == DENSE) {
                continue;
            }
            int d = 0;
            for (int t = 0; t < varCount[i]; t++) {
                if (status[vars[i][t]] != DENSE) {
                    d++;
                }
            }
            degree[i] = d;
            insert(i);
        }
        int eliminated = 0;
        int minDegree = 0;
        while (eliminated < live) {
            while (head[minDegree] < 0) {
                minDegree++;
            }
            int p = head[minDegree];
            remove(p);
            emit(p);
            eliminated += nv[p];
            int lpWeight = buildElement(p);
            computeExternalSizes(p, lpWeight);
            int lpCount = members[p].length;
            int count = 0;
            for (int s = 0; s < lpCount; s++) {
                int i = lp[s];
                if (updateLists(i, p)) {
                    emit(i);
                    eliminated += nv[i];
                    lpWeight -= nv[i];
                    nv[i] = 0;
                    status[i] = DEAD;
                } else {
                    lp[count++] = i;
                }
            }
            int remaining = live - eliminated;
            for (int s = 0; s < count; s++) {
                int i = lp[s];
                int ext = lpWeight - nv[i];
                long d = Math.min((long) degree[i] + ext, (long) partial[i] + ext);
                degree[i] = (int) Math.min(d, remaining - nv[i]);
            }
            count = detectSupervariables(count);
            int weight = 0;
            int[] mem = new int[count];
            for (int s = 0; s < count; s++) {
                int i = lp[s];
                degree[i] = Math.max(0, Math.min(degree[i], remaining - nv[i]));
                insert(i);
                minDegree = Math.min(minDegree, degree[i]);
                weight += nv[i];
                mem[s] = i;
            }
            members[p] = mem;
            elemWeight[p] = weight;
            if (count == 0) {
                status[p] = DEAD;
            }
            if (wflg > Integer.MAX_VALUE - 2 * (n + 1)) {
                Arrays.fill(w, 0);
                wflg = 1;
            } else {
                wflg += n + 1;
            }
        }
        for (int i = 0; i < n; i++) {
            if (status[i] == DENSE) {
                order[emitted++] = i;
            }
        }
        if (emitted != n) {
            throw new IllegalStateException("ordering emitted " + emitted + " of " + n + " nodes");
        }
    }

    /** Forms L_p (principal variables adjacent to p directly or through its elements) in lp[]. */
    private int buildElement(int p) {
        stamp++;
        status[p] = ELEMENT;
        int count = 0;
        int weight = 0;
        int[] vp = vars[p];
        for (int t = 0; t < varCount[p]; t++) {
            int j = vp[t];
            if (status[j] == VARIABLE && nv[j] > 0 && mark[j] != stamp) {
                mark[j] = stamp;
                lp[count++] = j;
                weight += nv[j];
                remove(j);
            }
        }
        int[] ep = elems[p];
        for (int t = 0; t < elemCount[p]; t++) {
            int e = ep[t];
            if (status[e] != ELEMENT) {
                continue;
            }
            int[] me = members[e];
            for (int j : me) {
                if (status[j] == VARIABLE && nv[j] > 0 && mark[j] != stamp) {
                    mark[j] = stamp;
                    lp[count++] = j;
                    weight += nv[j];
                    remove(j);
                }
            }
            status[e] = DEAD;
            members[e] = null;
        }
        vars[p] = null;
        elems[p] = null;
        members[p] = Arrays.copyOf(lp, count);
        return weight;
    }

    /** w[e] − wflg = |L_e \ L_p| (weighted) for every live element e adjacent to L_p. */
    private void computeExternalSizes(int p, int lpWeight) {
        for (int i : members[p]) {
            int[] ei = elems[i];
            for (int t = 0; t < elemCount[i]; t++) {
                int e = ei[t];
                if (status[e] != ELEMENT) {
                    continue;
                }
                if (w[e] < wflg) {
                    w[e] = elemWeight[e] + wflg;
                }
                w[e] -= nv[i];
            }
        }
    }

    /**
     * Prunes i's element and variable lists, absorbs covered elements, adds p, and records the
     * partial degree |Aᵢ \ i| + Σ |L_e \ L_p| and the hash. Returns true when i is only adjacent to
     * L_p through p (mass elimination).
     */
    private boolean updateLists(int i, int p) {
        int deg = 0;
        long h = 0;
        int[] ei = elems[i];
        int ec = 0;
        for (int t = 0; t < elemCount[i]; t++) {
            int e = ei[t];
            if (status[e] != ELEMENT) {
                continue;
            }
            int ext = w[e] - wflg;
            if (ext > 0) {
                deg += ext;
                h += e;
                ei[ec++] = e;
            } else {
                status[e] = DEAD;
                members[e] = null;
            }
        }
        int[] vi = vars[i];
        int vc = 0;
        for (int t = 0; t < varCount[i]; t++) {
            int j = vi[t];
            if (status[j] == VARIABLE && nv[j] > 0 && mark[j] != stamp) {
                deg += nv[j];
                h += j;
                vi[vc++] = j;
            }
        }
        varCount[i] = vc;
        if (ec + 1 > ei.length) {
            ei = Arrays.copyOf(ei, 2 * ei.length + 2);
            elems[i] = ei;
        }
        ei[ec++] = p;
        elemCount[i] = ec;
        if (ec == 1 && vc == 0) {
            return true;
        }
        h += p;
        partial[i] = deg;
        hash[i] = (int) Math.floorMod(h, (long) n);
        return false;
    }

    /** Merges indistinguishable variables of lp[0..count); returns the new count of principals. */
    private int detectSupervariables(int count) {
        for (int s = 0; s < count; s++) {
            hashHead[hash[lp[s]]] = -1;
        }
        for (int s = 0; s < count; s++) {
            int i = lp[s];
            hashNext[i] = hashHead[hash[i]];
            hashHead[hash[i]] = i;
        }
        for (int s = 0; s < count; s++) {
            int i = lp[s];
            if (nv[i] == 0 || hashHead[hash[i]] == -2) {
                continue;
            }
            // Compare every pair in this hash bucket once, then retire the bucket.
            int bucket = hash[i];
            for (int a = hashHead[bucket]; a >= 0; a = hashNext[a]) {
                if (nv[a] == 0) {
                    continue;
                }
                stamp++;
                for (int t = 0; t < elemCount[a]; t++) {
                    mark[elems[a][t]] = stamp;
                }
                for (int t = 0; t < varCount[a]; t++) {
                    mark[vars[a][t]] = stamp;
                }
                for (int b = hashNext[a]; b >= 0; b = hashNext[b]) {
                    if (nv[b] == 0 || elemCount[b] != elemCount[a] || varCount[b] != varCount[a]) {
                        continue;
                    }
                    if (sameLists(b)) {
                        nv[a] += nv[b];
                        degree[a] -= nv[b];
                        nv[b] = 0;
                        status[b] = DEAD;
                        chainNext[chainTail[a]] = b;
                        chainTail[a] = chainTail[b];
                        vars[b] = null;
                        elems[b] = null;
                    }
                }
            }
            hashHead[bucket] = -2;
        }
        int c = 0;
        for (int s = 0; s < count; s++) {
            if (nv[lp[s]] > 0) {
                lp[c++] = lp[s];
            }
        }
        return c;
    }

    private boolean sameLists(int b) {
        for (int t = 0; t < elemCount[b]; t++) {
            if (mark[elems[b][t]] != stamp) {
                return false;
            }
        }
        for (int t = 0; t < varCount[b]; t++) {
            if (mark[vars[b][t]] != stamp) {
                return false;
            }
        }
        return true;
    }

    private void emit(int p) {
        for (int q = p; q >= 0; q = chainNext[q]) {
            order[emitted++] = q;
        }
    }

    private void insert(int i) {
        int d = degree[i];
        next[i] = head[d];
        prev[i] = -1;
        if (head[d] >= 0) {
            prev[head[d]] = i;
        }
        head[d] = i;
    }

    private void remove(int i) {
        if (prev[i] >= 0) {
            next[prev[i]] = next[i];
        } else {
            head[degree[i]] = next[i];
        }
        if (next[i] >= 0) {
            prev[next[i]] = prev[i];
        }
    }
}
