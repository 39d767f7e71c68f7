// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import io.convexlayers.solver.SolverStatus;

/**
 * Process exit codes of {@code bin/convexlayers} (documented in the README): the solver statuses
 * 0–4, then the sysexits-style codes for bad usage and bad input.
 */
final class ExitCodes {
    /** Solved to the requested accuracy. */
    public static final int SOLVED = 0;
    /** Solved, but only inaccurately (iteration or time limit). */
    public static final int INACCURATE = 1;
    /** Certified infeasible. */
    public static final int INFEASIBLE = 2;
    /** Certified unbounded. */
    public static final int UNBOUNDED = 3;
    /** The solver failed. */
    public static final int FAILED = 4;
    /** Bad command line (sysexits EX_USAGE). */
    public static final int USAGE = 64;
    /** Malformed input file (sysexits EX_DATAERR). */
    public static final int DATA_ERROR = 65;
    /** Input file missing or unreadable (sysexits EX_NOINPUT). */
    public static final int NO_INPUT = 66;
    /** The requested backend is not available, e.g. {@code --backend cuda} without a GPU (EX_UNAVAILABLE). */
    public static final int UNAVAILABLE = 69;
    /** A bug or an exhausted heap: reported in one line instead of a stack trace (EX_SOFTWARE). */
    public static final int INTERNAL = 70;
    /** The demo's output file cannot be created or written (EX_CANTCREAT). */
    public static final int CANNOT_CREATE = 73;

    private ExitCodes() {
    }

    /** The exit code for a solver status. */
    public static int of(SolverStatus status) {
        return status.exitCode();
    }
}
