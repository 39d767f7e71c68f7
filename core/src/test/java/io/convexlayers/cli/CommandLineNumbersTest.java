// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every number on the command line is parsed strictly and range-checked, naming the flag (exit 64). */
class CommandLineNumbersTest {
    private static final String AFIRO = CliRun.problem("netlib/afiro.mps");

    private static int iterations(String json) {
        Matcher m = Pattern.compile("\"iterations\": (\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Integer.parseInt(m.group(1));
    }

    private static void usage(String flag, String value, String fragment) {
        CliRun r = CliRun.of("solve", AFIRO, flag, value);
        assertEquals(ExitCodes.USAGE, r.code(), flag + " " + value + ": " + r.err());
        assertTrue(r.err().contains(flag), r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }

    @Test
    void maxItersBeyondAnIntIsAUsageErrorNotOneIteration() {
        // 4294967297 = 2³² + 1 was narrowed to 1 and silently ran one iteration
        usage("--max-iters", "4294967297", "from 1 to 2147483647");
        usage("--max-iters", "99999999999999999999999999", "from 1 to 2147483647");
        usage("--max-iters", "0", "from 1 to 2147483647");
        usage("--max-iters", "-3", "from 1 to 2147483647");
        usage("--max-iters", "1.5", "expects an integer");
        usage("--max-iters", "1e3", "expects an integer");
        CliRun ok = CliRun.of("solve", AFIRO, "--max-iters", "2147483647", "--json");
        assertEquals(ExitCodes.SOLVED, ok.code(), ok.err());
    }

    @Test
    void timeLimitBeyondTheClockIsNoLimit() {
        // ≥ 9.2e9 s overflowed the nanosecond deadline: the solve stopped after 10 iterations
        // (the first-order method: its iteration count shows a premature stop; AUTO's interior-point
        // method needs about 10 iterations on afiro anyway)
        CliRun unlimited = CliRun.of("solve", AFIRO, "--eps", "1e-9", "--json", "--algorithm", "first-order");
        assertEquals(ExitCodes.SOLVED, unlimited.code(), unlimited.err());
        assertTrue(iterations(unlimited.out()) > 10);
        for (String limit : new String[] {"1e10", "9.3e9", "1e400"}) {
            CliRun r = CliRun.of("solve", AFIRO, "--eps", "1e-9", "--json", "--algorithm", "first-order",
                    "--time-limit", limit);
            assertEquals(ExitCodes.SOLVED, r.code(), limit + ": " + r.out() + r.err());
            assertEquals(iterations(unlimited.out()), iterations(r.out()), limit);
        }
        usage("--time-limit", "-1", ">= 0");
        usage("--time-limit", "NaN", "expects a number");
        usage("--time-limit", "Infinity", "expects a number");
    }

    @Test
    void tolerancesMustBePositiveFiniteDecimals() {
        for (String bad : new String[] {"NaN", "Infinity", "0x1p-3", "1e-5d", "abc", ""}) {
            usage("--eps", bad, "expects a number");
        }
        for (String bad : new String[] {"0", "-1e-6", "1e400"}) {
            usage("--eps", bad, "positive finite number");
            usage("--eps-abs", bad, "positive finite number");
            usage("--eps-rel", bad, "positive finite number");
        }
    }

    @Test
    void aMissingValueNamesTheFlag() {
        CliRun r = CliRun.of("solve", AFIRO, "--max-iters");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("--max-iters needs a value"), r.err());
    }

    @Test
    void demoCountsAreRangeChecked() {
        for (String flag : new String[] {"--iterations", "--batch", "--horizon"}) {
            CliRun r = CliRun.of("demo", flag, "4294967297");
            assertEquals(ExitCodes.USAGE, r.code(), r.err());
            assertTrue(r.err().contains(flag + " must be an integer from 1 to 1000000"), r.err());
        }
    }
}
