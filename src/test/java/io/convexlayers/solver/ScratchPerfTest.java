package io.convexlayers.solver;

import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

class ScratchPerfTest {
    @Test
    void t() {
        boolean shared = Boolean.getBoolean("shared");
        BatchConeProgram batch = RandomQps.batch(50, 100, 1000, shared, 1);
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            BatchSolution s = ConeSolver.solveBatch(batch, SolverSettings.defaults().withEps(1e-6));
            double t = (System.nanoTime() - t0) / 1e9;
            System.out.printf("shared=%b time %.3f s, mean iters %.1f%n", shared, t, s.totalIterations() / 1000.0);
        }
    }
}
