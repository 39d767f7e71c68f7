// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

/** One run of the command line in-process: its exit code, standard output and standard error. */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new CliRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** A bundled problem file under src/test/resources/problems. */
    static String problem(String relative) {
        try {
            return Paths.get(CliRun.class.getResource("/problems/" + relative).toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(relative, e);
        }
    }

    /** Whether text holds a control or format character a terminal could interpret. */
    static boolean hasControl(String text) {
        return text.chars().anyMatch(c -> c != '\n' && (Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT));
    }

    /** The path as a string (for argument lists). */
    static String str(Path p) {
        return p.toString();
    }
}
