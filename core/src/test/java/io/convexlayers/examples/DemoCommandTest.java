// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

import io.convexlayers.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code convexlayers demo}: options, progress, summary and the PNG. */
class DemoCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aShortRunReportsProgressAndWritesThePlot(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("curve.png");
        int code = run("demo", "--iterations", "4", "--batch", "4", "--horizon", "5", "--seed", "2", "--backend", "cpu",
                "--out", png.toString());
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, e);
        assertTrue(o.contains("backend cpu"), o);
        assertTrue(o.contains("evaluation cost: LQR start"), o);
        assertTrue(o.contains("wrote " + png), o);
        assertTrue(e.contains("4/4  loss"), e);
        assertTrue(e.contains("inst/s"), e);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img);
        assertEquals(900, img.getWidth());
        assertEquals(540, img.getHeight());
    }

    @Test
    void helpListsTheOptionsAndBadOptionsAreUsageErrors() {
        assertEquals(0, run("demo", "--help"));
        String o = out.toString(StandardCharsets.UTF_8);
        for (String opt : new String[] {"--iterations", "--batch", "--horizon", "--seed", "--out", "--backend"}) {
            assertTrue(o.contains(opt), o);
        }
        assertEquals(64, run("demo", "--batch", "0"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--batch must be an integer from 1 to 1000000, got '0'"));
        assertEquals(64, run("demo", "--backend", "tpu"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--backend must be auto, cpu or cuda"));
    }
}
