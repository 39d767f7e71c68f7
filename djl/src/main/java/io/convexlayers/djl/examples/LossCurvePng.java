// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.djl.examples;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A training loss curve as a PNG: loss per step on a log scale, with its first and last values. */
public final class LossCurvePng {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 420;
    private static final int MARGIN = 60;

    private LossCurvePng() {
    }

    /**
     * Draws {@code losses} (one per step, positive) into {@code out}, creating its folder.
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(double[] losses, String title, Path out) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double l : losses) {
            double v = Math.log10(Math.max(l, 1e-300));
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        int plotW = WIDTH - 2 * MARGIN;
        int plotH = HEIGHT - 2 * MARGIN;
        g.setColor(Color.GRAY);
        g.drawRect(MARGIN, MARGIN, plotW, plotH);
        g.setColor(Color.BLACK);
        g.drawString(title, MARGIN, MARGIN - 20);
        g.drawString("step", WIDTH / 2, HEIGHT - 15);
        g.drawString(String.format(Locale.ROOT, "%.3g", Math.pow(10, hi)), 5, MARGIN + 5);
        g.drawString(String.format(Locale.ROOT, "%.3g", Math.pow(10, lo)), 5, MARGIN + plotH);
        g.drawString("loss (log)", 5, HEIGHT / 2);
        g.drawString("1", MARGIN, MARGIN + plotH + 15);
        g.drawString(Integer.toString(losses.length), MARGIN + plotW - 20, MARGIN + plotH + 15);
        g.setColor(new Color(31, 119, 180));
        g.setStroke(new BasicStroke(2f));
        int px = -1;
        int py = -1;
        for (int i = 0; i < losses.length; i++) {
            int x = MARGIN + (losses.length == 1 ? 0 : (int) Math.round((double) i * plotW / (losses.length - 1)));
            double v = Math.log10(Math.max(losses[i], 1e-300));
            int y = MARGIN + (int) Math.round((hi - v) / (hi - lo) * plotH);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
        g.dispose();
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            ImageIO.write(img, "png", out.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }
}
