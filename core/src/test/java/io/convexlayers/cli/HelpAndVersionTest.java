// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --version} prints the build's version; {@code --help} is a real help text. */
class HelpAndVersionTest {
    /** The project version, read from the POM the build filtered the version from (the parent's). */
    private static String pomVersion() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher m = Pattern.compile("<artifactId>convexlayers-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertTrue(m.find(), "the parent's version in core/pom.xml");
        return m.group(1);
    }

    @Test
    void filteredVersionResourceHoldsThePomsVersionAndIsWhatTheCliPrints() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            assertTrue(in != null, "version.properties is on the class path");
            p.load(in);
        }
        String filtered = p.getProperty("version");
        assertEquals(pomVersion(), filtered, "Maven filtered ${project.version} into version.properties");
        assertEquals("convexlayers " + filtered, CliRun.of("--version").out().strip().lines().findFirst().orElse(""));
    }

    @Test
    void versionPrintsTheBuildsVersion() throws IOException {
        // --version used to be a usage error
        for (String flag : new String[] {"--version", "-V", "version"}) {
            CliRun r = CliRun.of(flag);
            assertEquals(ExitCodes.SOLVED, r.code(), r.err());
            java.util.List<String> lines = r.out().strip().lines().toList();
            assertEquals(java.util.List.of("convexlayers " + pomVersion(),
                    "cpu loops: " + io.convexlayers.backend.Backends.cpuLoops()), lines);
        }
    }

    @Test
    void helpListsCommandsCommonFlagsExitCodesLimitsAndWhereToReadMore() {
        // --help used to be two lines
        CliRun r = CliRun.of("--help");
        assertEquals(ExitCodes.SOLVED, r.code());
        String h = r.out();
        for (String s : new String[] {"solve FILE", "demo", "--version", "--eps", "--max-iters", "--time-limit",
                "--json", "--verbose", "--backend", "exit codes", "64 usage error", "65 malformed input",
                "66 input missing", "69 backend unavailable", "73", "limits", "512 MiB", "README.md"}) {
            assertTrue(h.contains(s), "help lacks '" + s + "':\n" + h);
        }
        assertTrue(h.lines().count() >= 20, h);
        assertEquals(h, CliRun.of("-h").out());
        assertEquals(h, CliRun.of("help").out());
    }

    @Test
    void noArgumentsOrAnUnknownCommandIsAUsageError() {
        CliRun none = CliRun.of();
        assertEquals(ExitCodes.USAGE, none.code());
        assertTrue(none.err().contains("--help"), none.err());
        CliRun unknown = CliRun.of("launch\u001b[2J");
        assertEquals(ExitCodes.USAGE, unknown.code());
        assertTrue(unknown.err().contains("unknown command 'launch\\x1b[2J'"), unknown.err());
        assertTrue(!CliRun.hasControl(unknown.err()), unknown.err());
    }
}
