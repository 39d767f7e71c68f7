// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import io.convexlayers.backend.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end: output formats, exit codes, errors. */
class MainTest {
    @TempDir
    Path dir;

    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private static String resource(String name) throws Exception {
        return Paths.get(MainTest.class.getResource("/problems/" + name).toURI()).toString();
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void jsonOutputOfASolvedLp() throws Exception {
        assertEquals(ExitCodes.SOLVED, run("solve", resource("netlib/afiro.mps"), "--eps", "1e-9", "--json",
                "--print-solution"));
        assertEquals(1, out.lines().count(), "exactly one JSON object: " + out);
        assertTrue(out.contains("\"status\": \"solved\""), out);
        assertTrue(out.contains("\"format\": \"mps\""), out);
        assertEquals(-464.75314286, number(out, "objective"), 1e-6 * 464.75);
        assertEquals(32, number(out, "variables"));
        assertTrue(number(out, "iterations") > 0);
        for (String key : new String[] {"solve_time_s", "setup_time_s", "primal_residual", "dual_residual", "gap",
                "constraints"}) {
            number(out, key);
        }
        // The JIT compiler's time during the solve: measured on HotSpot (−1 where a JVM does not say).
        double jit = number(out, "jit_compilation_s");
        assertTrue(jit >= 0 || jit == -1, "jit_compilation_s " + jit);
        assertTrue(out.contains("\"x\": ["), out);
    }

    @Test
    void humanSummaryAndVerboseTable() throws Exception {
        assertEquals(ExitCodes.SOLVED, run("solve", resource("maros_meszaros/HS35.qps"), "--verbose"));
        assertTrue(out.contains("status      solved"), out);
        assertTrue(out.contains("objective   -8.88888"), out);
        assertTrue(err.contains("pri res"), err);
        assertTrue(err.lines().anyMatch(l -> l.trim().matches("\\d+ \\|.*")), err);
    }

    @Test
    void maximizeAndObjectiveConstantAreReportedInTheFilesSense() throws Exception {
        Path f = dir.resolve("max.mps");
        // maximize 2x + 3y + 5 (objective row RHS -5 means constant +5) s.t. x + y <= 4, 0 <= x, y <= 3
        Files.writeString(f, String.join("\n",
                "NAME          MAXTEST",
                "OBJSENSE",
                "    MAX",
                "ROWS",
                " N  OBJ",
                " L  C1",
                "COLUMNS",
                "    X         OBJ       2.0          C1        1.0",
                "    Y         OBJ       3.0          C1        1.0",
                "RHS",
                "    RHS       C1        4.0          OBJ       -5.0",
                "BOUNDS",
                " UP BND       Y         3.0",
                "ENDATA", ""));
        assertEquals(ExitCodes.SOLVED, run("solve", f.toString(), "--json", "--eps", "1e-9"));
        assertEquals(2 * 1 + 3 * 3 + 5, number(out, "objective"), 1e-6);
    }

    @Test
    void infeasibleAndUnboundedExitCodes() throws Exception {
        Path inf = dir.resolve("inf.mps");
        Files.writeString(inf, String.join("\n", "NAME INF", "ROWS", " N OBJ", " G C1", " L C2", "COLUMNS",
                "    X OBJ 1 C1 1", "    X C2 1", "RHS", "    RHS C1 2 C2 1", "ENDATA", ""));
        assertEquals(ExitCodes.INFEASIBLE, run("solve", inf.toString(), "--json"));
        assertTrue(out.contains("\"status\": \"infeasible\""), out);
        Path unb = dir.resolve("unb.mps");
        Files.writeString(unb, String.join("\n", "NAME UNB", "ROWS", " N OBJ", " G C1", "COLUMNS",
                "    X OBJ -1 C1 1", "RHS", "    RHS C1 1", "ENDATA", ""));
        assertEquals(ExitCodes.UNBOUNDED, run("solve", unb.toString()));
        assertTrue(out.contains("unbounded"), out);
    }

    @Test
    void iterationLimitGivesTheInaccurateCode() throws Exception {
        assertEquals(ExitCodes.INACCURATE, run("solve", resource("netlib/afiro.mps"), "--max-iters", "5",
                "--no-accel", "--linsys", "sparse", "--algorithm", "first-order"));
        assertTrue(out.contains("solved_inaccurate"), out);
    }

    @Test
    void theAlgorithmIsChosenAndReported() throws Exception {
        assertEquals(ExitCodes.SOLVED, run("solve", resource("netlib/afiro.mps"), "--eps", "1e-9", "--json"));
        assertTrue(out.contains("\"algorithm\": \"interior-point\""), "AUTO on a small LP: " + out);
        double ipmObjective = number(out, "objective");
        double ipmIterations = number(out, "iterations");
        assertEquals(ExitCodes.SOLVED, run("solve", resource("netlib/afiro.mps"), "--eps", "1e-9", "--json",
                "--algorithm", "first-order"));
        assertTrue(out.contains("\"algorithm\": \"first-order\""), out);
        assertEquals(-464.7531428571, ipmObjective, 1e-6);
        assertEquals(-464.7531428571, number(out, "objective"), 1e-6);
        assertTrue(ipmIterations < number(out, "iterations"), "the interior point takes fewer iterations");
        assertEquals(ExitCodes.SOLVED, run("solve", resource("maros_meszaros/HS35.qps"), "--algorithm",
                "interior-point"));
        assertTrue(out.contains("(interior-point)"), out);
        assertEquals(ExitCodes.USAGE, run("solve", resource("netlib/afiro.mps"), "--algorithm", "newton"));
        assertTrue(err.contains("--algorithm must be auto, first-order or interior-point"), err);
    }

    /**
     * --acceleration names the first-order method's acceleration: on kb2 (eps 1e-6) Anderson steps and
     * anchoring (AUTO's choice for an LP) take different paths to the same optimum, while plain
     * Douglas–Rachford iterations are still short of it after 20 000; a name it does not know is a usage error.
     */
    @Test
    void theAccelerationIsChosenByName() throws Exception {
        String kb2 = resource("netlib/kb2.mps");
        double[] iterations = new double[2];
        String[] kinds = {"anderson", "halpern"};
        for (int k = 0; k < kinds.length; k++) {
            assertEquals(ExitCodes.SOLVED, run("solve", kb2, "--eps", "1e-6", "--json", "--algorithm", "first-order",
                    "--polish", "off", "--acceleration", kinds[k]));
            assertEquals(-1749.9001299, number(out, "objective"), 1e-5 * 1750, kinds[k]);
            iterations[k] = number(out, "iterations");
        }
        assertTrue(iterations[0] != iterations[1], java.util.Arrays.toString(iterations));
        assertEquals(ExitCodes.SOLVED, run("solve", kb2, "--eps", "1e-6", "--json", "--algorithm", "first-order",
                "--polish", "off"));
        assertEquals(iterations[1], number(out, "iterations"), 0, "AUTO anchors an LP");
        assertEquals(ExitCodes.INACCURATE, run("solve", kb2, "--eps", "1e-6", "--algorithm", "first-order",
                "--polish", "off", "--acceleration", "none", "--max-iters", "20000"));
        assertEquals(ExitCodes.USAGE, run("solve", kb2, "--acceleration", "nesterov"));
        assertTrue(err.contains("--acceleration must be anderson, halpern or none"), err);
    }

    /**
     * A small SOCP's first-order solution is polished by default (min −x₁ − x₂/2 over the unit disc:
     * x = (2, 1)/√5 to rounding), not with --polish off; an unknown rule is a usage error.
     */
    @Test
    void polishingIsChosenAndReported() throws Exception {
        Path disc = dir.resolve("disc.cbf");
        Files.writeString(disc, String.join("\n", "VER", "3", "", "OBJSENSE", "MIN", "", "VAR", "2 1", "F 2", "",
                "CON", "3 1", "Q 3", "", "OBJACOORD", "2", "0 -1.0", "1 -0.5", "", "ACOORD", "2", "1 0 1.0", "2 1 1.0",
                "", "BCOORD", "1", "0 1.0", ""));
        double optimum = -Math.sqrt(1.25);
        assertEquals(ExitCodes.SOLVED, run("solve", disc.toString(), "--algorithm", "first-order", "--json"));
        assertTrue(out.contains("\"polish\": \"succeeded\""), out);
        assertEquals(optimum, number(out, "objective"), 1e-14);
        assertEquals(ExitCodes.SOLVED, run("solve", disc.toString(), "--algorithm", "first-order", "--polish", "off",
                "--json"));
        assertTrue(out.contains("\"polish\": \"not-run\""), out);
        assertTrue(Math.abs(number(out, "objective") - optimum) > 1e-10, "unpolished: " + out);
        assertEquals(ExitCodes.SOLVED, run("solve", disc.toString(), "--algorithm", "first-order"));
        assertTrue(out.contains("(first-order, polish succeeded)"), out);
        assertEquals(ExitCodes.USAGE, run("solve", disc.toString(), "--polish", "maybe"));
        assertTrue(err.contains("--polish must be auto, on or off"), err);
    }

    @Test
    void usageErrors() throws Exception {
        assertEquals(ExitCodes.USAGE, run("solve"));
        assertTrue(err.contains("missing problem FILE"), err);
        assertEquals(ExitCodes.USAGE, run("solve", resource("netlib/afiro.mps"), "--eps", "abc"));
        assertTrue(err.contains("--eps expects a number"), err);
        assertEquals(ExitCodes.USAGE, run("solve", resource("netlib/afiro.mps"), "--linsys", "magic"));
        assertEquals(ExitCodes.USAGE, run("solve", resource("netlib/afiro.mps"), "--frobnicate"));
        assertEquals(ExitCodes.USAGE, run("solve", resource("netlib/afiro.mps"), "--eps", "-1"));
        assertTrue(err.contains("--eps must be a positive finite number"), err);
        assertEquals(ExitCodes.USAGE, run("launch"));
        assertEquals(ExitCodes.SOLVED, run("solve", "--help"));
        assertTrue(out.contains("--linsys"), out);
    }

    @Test
    void backendSelection() throws Exception {
        String file = resource("maros_meszaros/HS21.qps");
        assertEquals(ExitCodes.SOLVED, run("solve", file, "--backend", "auto", "--json"));
        assertTrue(out.contains("\"status\": \"solved\""), out);
        org.junit.jupiter.api.Assumptions.assumeFalse(io.convexlayers.backend.Backends.auto().name().equals("cuda"),
                "a GPU is present, so --backend cuda would succeed");
        assertEquals(ExitCodes.UNAVAILABLE, run("solve", file, "--backend", "cuda"));
        assertTrue(err.toLowerCase(java.util.Locale.ROOT).contains("cuda"), err);
        assertEquals(ExitCodes.USAGE, run("solve", file, "--backend", "tpu"));
    }

    @Test
    void malformedAndMissingInput() throws Exception {
        Path bad = dir.resolve("bad.mps");
        Files.writeString(bad, "NAME BAD\nROWS\n N OBJ\nCOLUMNS\n    X OBJ notanumber\nENDATA\n");
        assertEquals(ExitCodes.DATA_ERROR, run("solve", bad.toString()));
        assertTrue(err.contains("bad.mps:5"), err);
        assertEquals(ExitCodes.NO_INPUT, run("solve", dir.resolve("nothere.mps").toString()));
        assertTrue(err.contains("nothere.mps"), err);
    }
}
