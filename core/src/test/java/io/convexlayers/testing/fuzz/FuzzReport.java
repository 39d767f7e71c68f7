// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The result of one fuzzing run: how many inputs ended how, and the findings, each with its seed,
 * input number, the input (escaped, shortened) and where it is saved in full
 * ({@code target/fuzz-findings/}).
 */
public final class FuzzReport {
    private static final int MAX_KEPT = 10;
    private final String name;
    private final FuzzConfig config;
    private final Map<String, Long> outcomes = new TreeMap<>();
    private final List<String> findings = new ArrayList<>();
    private long findingCount;
    private long tried;
    private double seconds;

    FuzzReport(String name, FuzzConfig config) {
        this.name = name;
        this.config = config;
    }

    void count(String label) {
        outcomes.merge(label == null ? "returned" : label, 1L, Long::sum);
        tried++;
    }

    void finding(long i, byte[] input, FuzzTarget target, String what, Throwable cause) {
        tried++;
        findingCount++;
        if (findings.size() >= MAX_KEPT) {
            return;
        }
        Path saved = Path.of("target", "fuzz-findings", name + "-seed" + config.seed() + "-input" + i + ".bin");
        try {
            Files.createDirectories(saved.getParent());
            Files.write(saved, input);
        } catch (IOException e) {
            saved = null;
        }
        String text = target.describe(input);
        StringBuilder f = new StringBuilder();
        f.append(name).append(" finding: ").append(what).append("\n  reproduce: -Dfuzz.seed=").append(config.seed())
                .append(", input ").append(i).append(" (seed ").append(config.inputSeed(i)).append(")");
        if (saved != null) {
            f.append(", saved to ").append(saved);
        }
        f.append("\n  input (").append(input.length).append(" bytes): ")
                .append(escape(text.length() > 800 ? text.substring(0, 800) + "..." : text));
        if (cause != null) {
            StringWriter trace = new StringWriter();
            cause.printStackTrace(new PrintWriter(trace));
            f.append("\n  ").append(trace.toString().lines().limit(12).reduce((a, b) -> a + "\n  " + b).orElse(""));
        }
        findings.add(f.toString());
    }

    void finish(double seconds) {
        this.seconds = seconds;
        System.out.println(summary());
    }

    /** Inputs tried. */
    public long tried() {
        return tried;
    }

    /** Inputs that were findings. */
    public long findingCount() {
        return findingCount;
    }

    /** How many inputs ended with each label (a status, "read", an exception's simple name). */
    public Map<String, Long> outcomes() {
        return Map.copyOf(outcomes);
    }

    /** One line: the fuzzer, inputs, time, outcomes and findings. */
    public String summary() {
        return String.format(Locale.ROOT, "fuzz %s: %d inputs in %.1f s (seed %d): %s; %d findings", name, tried,
                seconds, config.seed(), outcomes, findingCount);
    }

    /** Throws an AssertionError listing the findings, if there are any. */
    public void assertNoFindings() {
        if (findingCount > 0) {
            throw new AssertionError(summary() + "\n" + String.join("\n\n", findings));
        }
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\n') {
                out.append("\\n");
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
