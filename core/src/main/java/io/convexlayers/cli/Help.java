// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

/** The text of {@code convexlayers --help}: commands, common options, exit codes, limits, where to read more. */
final class Help {
    /** The one-line usage printed with a usage error. */
    static final String USAGE = "usage: convexlayers solve FILE [options] | demo [options] | --help | --version";

    private Help() {
    }

    /** The full help text. */
    static String text() {
        return String.join("\n",
                "convexlayers " + Version.get() + ": differentiable convex optimization layers for the JVM",
                "",
                "usage: convexlayers COMMAND [options]",
                "",
                "commands:",
                "  solve FILE [options]    solve an MPS/QPS, CBF or SDPA problem file and report status,",
                "                          objective, iterations and residuals (solve --help: all options)",
                "  demo [options]          learn a control policy through a differentiable SOCP layer and",
                "                          plot its loss (demo --help: all options)",
                "  help, --help, -h        this text",
                "  version, --version, -V  the version",
                "",
                "common solve options:",
                "  --eps E                 tolerance (default 1e-5)",
                "  --max-iters N           iteration limit, 1 to 2147483647 (default 100000)",
                "  --time-limit S          seconds, 0 = none (default)",
                "  --json                  one JSON object on standard output",
                "  --verbose               iteration table on standard error",
                "  --print-solution        the file's variables at the solution",
                "  --backend auto|cpu|cuda where to solve (default cpu)",
                "",
                "exit codes:",
                "  0 solved, 1 solved inaccurately (iteration or time limit), 2 infeasible, 3 unbounded,",
                "  4 solver failed, 64 usage error, 65 malformed input file (file, line and what was",
                "  expected are named), 66 input missing or unreadable, 69 backend unavailable,",
                "  70 internal error, 73 demo output cannot be created",
                "",
                "limits: problem files of at most 512 MiB of text and 2^25 lines; CBF and SDPA files declare",
                "  at most 4194304 variables and 4194304 constraint rows, PSD orders up to 2895",
                "  (io.convexlayers.io.ReaderLimits)",
                "",
                "more: README.md (\"Solve a problem file from the command line\"), ARCHITECTURE.md, and the",
                "  Javadoc of io.convexlayers.io.ProblemReader for the file formats");
    }
}
