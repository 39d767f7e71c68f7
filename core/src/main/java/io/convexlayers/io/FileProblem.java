// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.ConvexLayersException;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;

import java.util.List;

/**
 * A problem read from a file: the {@link ConeProgram} in SCS form that the solver minimizes, plus
 * the map back to the file's own variables and objective.
 *
 * <p><b>Variables.</b> The program's variables are the file's scalar variables in file order
 * (MPS/QPS columns, CBF scalar variables, SDPA x₁…x_m), followed, for CBF matrix variables
 * (PSDVAR), by one svec block per matrix variable (lower triangle, column-major, off-diagonal
 * entries scaled by √2: DESIGN §2). {@link #fileVariables} undoes the scaling, so the file's
 * variables are the scalar variables followed by the lower-triangle entries X_kl (k ≥ l) of each
 * matrix variable in the same column-major order.
 *
 * <p><b>Objective.</b> A file's objective f is minimized or maximized; the program always
 * minimizes, so for a maximization problem it minimizes −(f − constant). The objective constant
 * (an RHS value on the MPS objective row, CBF's OBJBCOORD) is not part of the program.
 * {@link #fileObjective} maps the program's objective value back to f.
 */
public final class FileProblem {
    private final String name;
    private final String format;
    private final ConeProgram program;
    private final int scalarVariables;
    private final int[] psdVariableOrders;
    private final List<String> variableNames;
    private final int constraintCount;
    private final boolean maximize;
    private final double objectiveConstant;
    private final List<String> warnings;

    FileProblem(String name, String format, ConeProgram program, int scalarVariables,
                int[] psdVariableOrders, List<String> variableNames, int constraintCount,
                boolean maximize, double objectiveConstant, List<String> warnings) {
        int svecTotal = 0;
        for (int k : psdVariableOrders) {
            svecTotal += ConeDims.svecLength(k);
        }
        if (scalarVariables + svecTotal != program.n()) {
            throw new IllegalStateException("variable layout " + scalarVariables + " + " + svecTotal
                    + " does not match n = " + program.n());
        }
        this.name = name;
        this.format = format;
        this.program = program;
        this.scalarVariables = scalarVariables;
        this.psdVariableOrders = psdVariableOrders.clone();
        this.variableNames = List.copyOf(variableNames);
        this.constraintCount = constraintCount;
        this.maximize = maximize;
        this.objectiveConstant = objectiveConstant;
        this.warnings = List.copyOf(warnings);
    }

    /** The problem's name: the MPS NAME record, otherwise the file name without its extensions. */
    public String name() {
        return name;
    }

    /** The format the file was read as: {@code "mps"}, {@code "qps"}, {@code "cbf"} or {@code "sdpa"}. */
    public String format() {
        return format;
    }

    /** The cone program the solver minimizes. */
    public ConeProgram program() {
        return program;
    }

    /**
     * Number of the file's variables: scalar variables plus, per matrix variable of order k,
     * its k(k+1)/2 lower-triangle entries. Equals {@code program().n()}.
     */
    public int fileVariableCount() {
        return program.n();
    }

    /** Number of scalar variables; they come first among the program's variables. */
    public int scalarVariableCount() {
        return scalarVariables;
    }

    /** Orders of the matrix variables (CBF PSDVAR); empty for the other formats. */
    public int[] psdVariableOrders() {
        return psdVariableOrders.clone();
    }

    /**
     * Names of the scalar variables in file order (MPS/QPS column names); empty for formats
     * without names (CBF, SDPA).
     */
    public List<String> variableNames() {
        return variableNames;
    }

    /**
     * Number of the file's own constraints: MPS/QPS constraint rows (E, L, G; not the objective or
     * other free N rows, not bounds), CBF scalar constraint rows plus PSD constraints (PSDCON),
     * SDPA blocks of the linear matrix inequality.
     */
    public int constraintCount() {
        return constraintCount;
    }

    /**
     * The file's variables at a solution {@code solverX} of the program: scalar variables as they
     * are, matrix-variable entries with the svec scaling undone (off-diagonal entries divided by √2).
     *
     * @throws ConvexLayersException when {@code solverX} does not have {@code program().n()} entries
     */
    public double[] fileVariables(double[] solverX) {
        if (solverX == null || solverX.length != program.n()) {
            throw new ConvexLayersException("solverX: expected " + program.n() + " entries, got "
                    + (solverX == null ? "null" : solverX.length));
        }
        double[] out = solverX.clone();
        int offset = scalarVariables;
        for (int k : psdVariableOrders) {
            for (int col = 0; col < k; col++) {
                for (int row = col; row < k; row++) {
                    out[offset + Svec.index(row, col, k)] /= Svec.scale(row, col);
                }
            }
            offset += ConeDims.svecLength(k);
        }
        return out;
    }

    /**
     * The file's objective value given the program's objective value ½xᵀPx + cᵀx: the value
     * itself for minimization, its negative for maximization, plus the objective constant.
     */
    public double fileObjective(double solverObjective) {
        return (maximize ? -solverObjective : solverObjective) + objectiveConstant;
    }

    /** Whether the file's objective is maximized (the program minimizes its negative). */
    public boolean maximize() {
        return maximize;
    }

    /** The constant term of the file's objective (in the file's own sense, not negated). */
    public double objectiveConstant() {
        return objectiveConstant;
    }

    /**
     * Conventions the reader applied that change or may surprise the meaning of the file, e.g. a
     * negative MPS upper bound without a lower bound (lower bound set to −∞), ignored extra RHS,
     * RANGES or BOUNDS sets, or an asymmetric QMATRIX. Empty for a plain file.
     */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return "FileProblem[" + name + " (" + format + "), " + (maximize ? "maximize" : "minimize")
                + ", " + program + "]";
    }
}
