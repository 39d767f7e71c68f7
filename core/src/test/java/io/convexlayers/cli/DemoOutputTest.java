// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import io.convexlayers.testing.RepositoryFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's output path is checked before training, and its default does not dirty a clone. */
class DemoOutputTest {
    @TempDir
    Path dir;

    private static final String[] SHORT = {"demo", "--iterations", "2", "--batch", "2", "--horizon", "3",
            "--backend", "cpu"};

    private static CliRun demo(Path out) {
        String[] args = java.util.Arrays.copyOf(SHORT, SHORT.length + 2);
        args[SHORT.length] = "--out";
        args[SHORT.length + 1] = out.toString();
        return CliRun.of(args);
    }

    @Test
    void anOutputThatCannotBeCreatedFailsBeforeTraining() throws IOException {
        // trained first and died with an ImageIO stack trace before
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        for (Path bad : new Path[] {file.resolve("loss.png"), dir.resolve("missing/dir/loss.png"), dir}) {
            long t0 = System.nanoTime();
            CliRun r = demo(bad);
            assertEquals(ExitCodes.CANNOT_CREATE, r.code(), bad + ": " + r.err());
            assertTrue(r.err().contains("--out"), r.err());
            assertTrue(r.err().contains(bad.toString()) || r.err().contains(bad.getParent().toString()), r.err());
            assertTrue(r.err().contains("checked before training"), r.err());
            assertFalse(r.out().contains("evaluation cost"), "trained anyway: " + r.out());
            assertFalse(r.err().contains("\tat "), "stack trace: " + r.err());
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "the check must come before training");
        }
    }

    @Test
    void theCheckLeavesNoFileBehind() throws IOException {
        Path png = dir.resolve("new.png");
        OutputFile.checkWritable(png);
        assertFalse(Files.exists(png));
        Path existing = Files.writeString(dir.resolve("old.png"), "keep");
        OutputFile.checkWritable(existing);
        assertEquals("keep", Files.readString(existing));
    }

    @Test
    void theDefaultOutputIsIgnoredByGit() throws IOException {
        assertEquals(Path.of("loss.png"), DemoOptions.parse(List.of()).out());
        List<String> ignored = Files.readAllLines(RepositoryFiles.at(".gitignore"));
        assertTrue(ignored.contains("loss.png") || ignored.contains("/loss.png"), ".gitignore: " + ignored);
        assertTrue(DemoOptions.USAGE.contains(".gitignore"), DemoOptions.USAGE);
    }
}
