// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.InvalidProblemException;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the rows of a cone program per cone family, in whatever order a reader finds them, and
 * builds the {@link ConeProgram} with its rows in the solver's cone order (DESIGN §2): zero,
 * nonnegative, second-order cones, PSD cones, exponential, dual exponential, power.
 *
 * <p>Every row is given as an {@link Affine} function g(x) whose value the slack must take:
 * the constraint "g(x) ∈ K" becomes the rows A = −coefs, b = constant of Ax + s = b. Within a
 * family, rows keep the order in which they were added. A PSD cone of order 1 and a second-order
 * cone of size 1 are both the half-line, and are added as nonnegative rows. Coefficients that are
 * exactly zero are dropped; coefficients of the same column in one row are summed.
 */
final class ConeProgramAssembler {
    private final int n;
    private final double[] c;
    private final IntList pRow = new IntList();
    private final IntList pCol = new IntList();
    private final DoubleList pVal = new DoubleList();
    private final List<Affine> zero = new ArrayList<>();
    private final List<Affine> nonneg = new ArrayList<>();
    private final List<Affine[]> soc = new ArrayList<>();
    private final List<Affine[]> psd = new ArrayList<>();
    private final IntList psdOrders = new IntList();
    private final List<Affine[]> exp = new ArrayList<>();
    private final List<Affine[]> dualExp = new ArrayList<>();
    private final List<Affine[]> power = new ArrayList<>();
    private final DoubleList powerAlpha = new DoubleList();

    /** An assembler for a program with {@code n} variables. */
    ConeProgramAssembler(int n) {
        this.n = n;
        this.c = new double[n];
    }

    /** Number of variables. */
    int n() {
        return n;
    }

    /** c[col] += value. */
    void addObjective(int col, double value) {
        c[col] += value;
    }

    /**
     * Adds {@code value} to the entry (i, j) of the upper triangle of P and, implicitly, to its
     * symmetric partner: with i ≠ j the objective gains value·x_i·x_j.
     */
    void addQuadratic(int i, int j, double value) {
        if (value == 0) {
            return;
        }
        pRow.add(Math.min(i, j));
        pCol.add(Math.max(i, j));
        pVal.add(value);
    }

    /** g(x) = 0. */
    void zero(Affine g) {
        zero.add(g);
    }

    /** g(x) ≥ 0. */
    void nonneg(Affine g) {
        nonneg.add(g);
    }

    /** ‖(g₂, …, g_q)‖₂ ≤ g₁. */
    void soc(Affine... g) {
        if (g.length == 0) {
            throw new IllegalArgumentException("empty second-order cone");
        }
        if (g.length == 1) {
            nonneg(g[0]);
        } else {
            soc.add(g.clone());
        }
    }

    /** svec⁻¹(g) ⪰ 0 for an order-k matrix; {@code g} has k(k+1)/2 entries in svec order. */
    void psd(int k, Affine... g) {
        if (g.length != ConeDims.svecLength(k) || k < 1) {
            throw new IllegalArgumentException("PSD cone of order " + k + " needs "
                    + ConeDims.svecLength(k) + " rows, got " + g.length);
        }
        if (k == 1) {
            nonneg(g[0]);
        } else {
            psd.add(g.clone());
            psdOrders.add(k);
        }
    }

    /** (x, y, z) ∈ K_exp = cl{y·e^{x/y} ≤ z, y &gt; 0}. */
    void exp(Affine x, Affine y, Affine z) {
        exp.add(new Affine[] {x, y, z});
    }

    /** (u, v, w) ∈ K_exp*. */
    void dualExp(Affine u, Affine v, Affine w) {
        dualExp.add(new Affine[] {u, v, w});
    }

    /**
     * (x, y, z) in the power cone x^α y^{1−α} ≥ |z| for α ∈ (0, 1), or in its dual cone when
     * {@code alpha} is negative (parameter |α|), as {@link ConeDims#power()} encodes it.
     */
    void power(double alpha, Affine x, Affine y, Affine z) {
        power.add(new Affine[] {x, y, z});
        powerAlpha.add(alpha);
    }

    /**
     * {@link #build()}, with data the program refuses (a value that became infinite when scaled
     * into svec form or summed with another) reported as a format error of the file.
     */
    ConeProgram build(LineSource src) {
        try {
            return build();
        } catch (InvalidProblemException e) {
            throw new ProblemFormatException(src.fileName(), 0, "data that stays finite once scaled into svec"
                    + " form and summed per entry", e.getMessage());
        }
    }

    /** The cone program: rows in cone order; P is {@code null} when no quadratic term was added. */
    ConeProgram build() {
        List<Affine> rows = new ArrayList<>(zero);
        rows.addAll(nonneg);
        int[] socSizes = new int[soc.size()];
        for (int i = 0; i < soc.size(); i++) {
            socSizes[i] = soc.get(i).length;
            rows.addAll(Arrays.asList(soc.get(i)));
        }
        for (Affine[] block : psd) {
            rows.addAll(Arrays.asList(block));
        }
        for (Affine[] block : exp) {
            rows.addAll(Arrays.asList(block));
        }
        for (Affine[] block : dualExp) {
            rows.addAll(Arrays.asList(block));
        }
        for (Affine[] block : power) {
            rows.addAll(Arrays.asList(block));
        }
        int m = rows.size();
        double[] b = new double[m];
        IntList ri = new IntList();
        IntList ci = new IntList();
        DoubleList vi = new DoubleList();
        for (int r = 0; r < m; r++) {
            Affine g = rows.get(r);
            b[r] = g.constant();
            for (int k = 0; k < g.cols().length; k++) {
                if (g.coefs()[k] != 0) {
                    ri.add(r);
                    ci.add(g.cols()[k]);
                    vi.add(-g.coefs()[k]);
                }
            }
        }
        CscMatrix a = CscMatrix.fromTriplets("A", m, n, ri.toArray(), ci.toArray(), vi.toArray());
        CscMatrix p = pVal.size() == 0 ? null
                : CscMatrix.fromTriplets("P", n, n, pRow.toArray(), pCol.toArray(), pVal.toArray());
        ConeDims cones = new ConeDims(zero.size(), nonneg.size(), socSizes, psdOrders.toArray(),
                exp.size(), dualExp.size(), powerAlpha.toArray());
        return new ConeProgram(p, a, b, c, cones);
    }

    /** A growable int array. */
    static final class IntList {
        private int[] data = new int[16];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, 2 * size);
            }
            data[size++] = v;
        }

        int get(int i) {
            return data[i];
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }

    /** A growable double array. */
    static final class DoubleList {
        private double[] data = new double[16];
        private int size;

        void add(double v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, 2 * size);
            }
            data[size++] = v;
        }

        double get(int i) {
            return data[i];
        }

        int size() {
            return size;
        }

        double[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
