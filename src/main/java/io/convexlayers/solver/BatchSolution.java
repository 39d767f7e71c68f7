package io.convexlayers.solver;

import java.util.List;

/**
 * The per-instance results of a batched solve, in batch order. Every instance carries its own
 * status; one failed instance never affects the others.
 */
public final class BatchSolution {
    private final List<Solution> solutions;

    public BatchSolution(List<Solution> solutions) {
        this.solutions = List.copyOf(solutions);
    }

    public int batch() {
        return solutions.size();
    }

    public Solution get(int b) {
        return solutions.get(b);
    }

    public SolverStatus status(int b) {
        return solutions.get(b).status();
    }

    public List<Solution> all() {
        return solutions;
    }

    /** Total iterations over the batch (useful for reporting). */
    public long totalIterations() {
        long t = 0;
        for (Solution s : solutions) {
            t += s.iterations();
        }
        return t;
    }
}
