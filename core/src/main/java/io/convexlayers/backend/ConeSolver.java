// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;

/**
 * Entry point of the cone solver: SCS-3-style Douglas–Rachford splitting on the homogeneous
 * self-dual embedding (DESIGN §4), batched over instances.
 */
public final class ConeSolver {
    private ConeSolver() {
    }

    /** Solves one program. */
    public static Solution solve(ConeProgram program, SolverSettings settings) {
        return solve(program, settings, null);
    }

    /** Solves one program, reporting progress at each termination check to {@code listener}. */
    public static Solution solve(ConeProgram program, SolverSettings settings, IterationListener listener) {
        return Backends.cpu().solve(BatchConeProgram.of(program), settings, null, listener).get(0);
    }

    /** Solves one program starting from a previous solution (x, y, s). */
    public static Solution solve(ConeProgram program, SolverSettings settings, double[] x, double[] y, double[] s) {
        return Backends.cpu().solve(BatchConeProgram.of(program), settings, WarmStart.of(x, y, s), null).get(0);
    }

    /** Solves every instance of a batch on the CPU backend. */
    public static BatchSolution solveBatch(BatchConeProgram batch, SolverSettings settings) {
        return Backends.cpu().solve(batch, settings, null, null);
    }

    /** Solves every instance of a batch, warm-starting the instances {@code warmStart} covers. */
    public static BatchSolution solveBatch(BatchConeProgram batch, SolverSettings settings, WarmStart warmStart) {
        return Backends.cpu().solve(batch, settings, warmStart, null);
    }

    /**
     * Solves every instance of a batch with the given threads and tile width (pass the same
     * {@code execution} to the derivative); {@code warmStart} may be null.
     */
    public static BatchSolution solveBatch(BatchConeProgram batch, SolverSettings settings,
                                           ExecutionSettings execution, WarmStart warmStart) {
        return Backends.cpu().solve(batch, settings, execution, warmStart, null);
    }
}
