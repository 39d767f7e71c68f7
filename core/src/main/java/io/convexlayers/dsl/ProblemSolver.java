// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.solver.SolverSettings;

import java.util.ServiceLoader;

/**
 * How {@link Problem#solve} reaches the compiler and the cone solver, which sit above the modeling
 * package in the pipeline: the library registers one implementation as a service (module
 * descriptor and {@code META-INF/services}), so the modeling package imports neither.
 */
public interface ProblemSolver {

    /** Compiles (or reuses the cached compilation of) a DCP problem and solves it for the current parameter values. */
    ProblemSolution solve(Problem problem, SolverSettings settings, CompileOptions options);

    /**
     * The registered solver.
     *
     * @throws IllegalStateException when none is registered (a broken class path)
     */
    static ProblemSolver installed() {
        return Installed.SOLVER;
    }

    /** Loaded once, on first use. */
    final class Installed {
        private static final ProblemSolver SOLVER = ServiceLoader.load(ProblemSolver.class,
                        ProblemSolver.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + ProblemSolver.class.getName()
                        + " service is registered: the convexlayers jar is incomplete on this class path"));

        private Installed() {
        }
    }
}
