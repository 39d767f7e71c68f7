// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Device equilibration on the emulated device: the host's factors and scaled values, bit for bit. */
class DeviceEquilibrationTest {

    @Test
    void equalsTheHostsEquilibrationBitForBit() {
        assertEquals(0, EquilibrationCheck.maxRelativeDifference(new EmulatedDevice(1L << 30), 9, 5, 1, true));
        assertEquals(0, EquilibrationCheck.maxRelativeDifference(new EmulatedDevice(1L << 30), 1, 1, 2, true));
    }

    @Test
    void disabledLeavesTheValuesAndGivesUnitFactors() {
        assertEquals(0, EquilibrationCheck.maxRelativeDifference(new EmulatedDevice(1L << 30), 6, 3, 3, false));
    }

    @Test
    void aSolveWithoutEquilibrationStillMatchesTheCpu() {
        BatchConeProgram batch = RandomQps.batch(7, 14, 4, false, 4);
        SolverSettings plain = EmulatedSolveTest.TIGHT.toBuilder().equilibrate(false).build();
        BatchSolution cpu = Backends.cpu().solve(batch, plain, null, null);
        EmulatedSolveTest.assertSameSolutions(cpu, EmulatedSolveTest.emulated().solve(batch, plain, null, null), 1e-6);
    }
}
