package io.convexlayers.solver;

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
        throw new UnsupportedOperationException("solver core not yet merged");
    }

    /** Solves every instance of a batch. */
    public static BatchSolution solveBatch(BatchConeProgram batch, SolverSettings settings) {
        throw new UnsupportedOperationException("solver core not yet merged");
    }
}
