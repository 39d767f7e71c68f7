// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.InvalidSettingsException;
import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.hsde.Deadline;
import io.convexlayers.solver.linsys.LinearSystemFactory;
import io.convexlayers.testing.AllocationMeter;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings at and beyond their ranges: a typed error naming the field, or the documented meaning. */
class SettingsBoundsTest {
    @Test
    void hugeAndersonMemoryIsASettingsErrorNotAnOutOfMemoryError() {
        AllocationMeter.Measured m = AllocationMeter.measure(() ->
                SolverSettings.defaults().toBuilder().andersonMemory(Integer.MAX_VALUE).build());
        InvalidSettingsException e = assertInstanceOf(InvalidSettingsException.class, m.thrown());
        assertTrue(e.getMessage().contains("andersonMemory"), e.getMessage());
        assertTrue(e.getMessage().contains("[1, 100]"), e.getMessage());
        assertTrue(m.bytes() < 1 << 20, "allocated " + m.bytes());
        assertEquals(100, SolverSettings.defaults().toBuilder().andersonMemory(100).build().andersonMemory());
        assertThrows(InvalidSettingsException.class,
                () -> SolverSettings.defaults().toBuilder().andersonMemory(101).build());
    }

    @Test
    void theAccelerationIsNamedAndTheBooleanFormMapsOntoIt() {
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> SolverSettings.defaults().withAcceleration((Acceleration) null));
        assertTrue(e.getMessage().contains("acceleration"), e.getMessage());
        assertEquals(Acceleration.ANDERSON, SolverSettings.defaults().withAcceleration(true).acceleration());
        assertEquals(Acceleration.NONE, SolverSettings.defaults().withAcceleration(false).acceleration());
        assertEquals(Acceleration.HALPERN,
                SolverSettings.defaults().withAcceleration(Acceleration.HALPERN).toBuilder().build().acceleration());
    }

    @Test
    void timeLimitBeyondTheClockMeansNoLimit() {
        // withTimeLimit(1e10) overflowed the nanosecond deadline and stopped at the first check
        ConeProgram p = RandomQps.single(20, 40, 9);
        SolverSettings tight = SolverSettings.defaults().withEps(1e-9).withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER);
        Solution unlimited = ConeSolver.solve(p, tight);
        assertTrue(unlimited.iterations() > tight.checkInterval(), "needs more than one check");
        for (double limit : new double[] {1e10, 9.3e9, 1e300, Double.POSITIVE_INFINITY}) {
            Solution s = ConeSolver.solve(p, tight.withTimeLimit(limit));
            assertEquals(SolverStatus.SOLVED, s.status(), "limit " + limit);
            assertEquals(unlimited.iterations(), s.iterations(), "limit " + limit);
        }
    }

    @Test
    void aDenseFactorBeyondItsLimitIsASettingsError() {
        // found by the layer fuzzer: an untyped IllegalArgumentException, or tens of gigabytes
        int n = LinearSystemFactory.DENSE_MAX_N + 1;
        int[] idx = new int[n];
        double[] minusOne = new double[n];
        double[] ones = new double[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
            minusOne[i] = -1;
            ones[i] = 1;
        }
        ConeProgram p = new ConeProgram(null, CscMatrix.fromTriplets("A", n, n, idx, idx, minusOne), new double[n],
                ones, ConeDims.builder().nonneg(n).build());
        InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                () -> ConeSolver.solve(p, SolverSettings.defaults().withLinearSystem(LinearSystemKind.DENSE)
                        .withAlgorithm(Algorithm.FIRST_ORDER))); // AUTO would give one LP to the interior point
        assertTrue(e.getMessage().contains("linearSystem")
                && e.getMessage().contains(String.valueOf(LinearSystemFactory.DENSE_MAX_N)), e.getMessage());
        assertEquals(SolverStatus.SOLVED, ConeSolver.solve(p, SolverSettings.defaults()).status());
    }

    @Test
    void invalidTimeLimitsNameTheField() {
        for (double bad : new double[] {-1, Double.NaN, Double.NEGATIVE_INFINITY}) {
            InvalidSettingsException e = assertThrows(InvalidSettingsException.class,
                    () -> SolverSettings.defaults().withTimeLimit(bad));
            assertTrue(e.getMessage().contains("timeLimitSeconds"), e.getMessage());
        }
    }

    @Test
    void deadlinesAreOverflowSafe() {
        assertEquals(Deadline.NONE, Deadline.after(0, 0));
        assertEquals(Deadline.NONE, Deadline.after(123, 1e10));
        assertEquals(Deadline.NONE, Deadline.after(123, Double.POSITIVE_INFINITY));
        assertEquals(Deadline.NONE, Deadline.after(123, Double.NaN));
        assertFalse(Deadline.passed(Deadline.NONE, Long.MAX_VALUE));
        // a start near the top of the clock's range: the deadline wraps, differences stay right
        assertTrue(Deadline.after(Long.MAX_VALUE - 1_000, 1e-6) != Deadline.NONE);
        long start = Long.MAX_VALUE - 500;
        long deadline = Deadline.after(start, 1e-6);
        assertFalse(Deadline.passed(deadline, start));
        assertFalse(Deadline.passed(deadline, start + 999));
        assertTrue(Deadline.passed(deadline, start + 1_000));
        assertTrue(Deadline.passed(deadline, start + 5_000)); // wrapped to a negative nanoTime
        long year = Deadline.after(-5, 3.15e7);
        assertFalse(Deadline.passed(year, 0));
    }
}
