// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Draws loss curves into a PNG with plain Java2D (headless): labeled series (solid or dashed,
 * optionally with point markers), axes with "nice" ticks and a grid, a title, a subtitle and a
 * legend. Text is optional: on a machine without fonts the plot is drawn without labels.
 */
final class LossPlot {
    private static final int W = 900;
    private static final int H = 540;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 70;
    private static final int BOTTOM = 70;
    private static final Color RAW = new Color(140, 170, 220);
    private static final Color SMOOTH = new Color(20, 70, 160);
    private static final Color START = new Color(200, 60, 40);
    private static final Color END = new Color(30, 140, 60);

    private LossPlot() {
    }

    /**
     * One curve (or, with a single point repeated over the x range, a horizontal reference line).
     *
     * @param label  legend text
     * @param x      x values (iterations)
     * @param y      y values
     * @param color  line colour
     * @param width  line width in pixels
     * @param dashed dashed line
     * @param points mark each point with a dot
     */
    record Series(String label, double[] x, double[] y, Color color, float width, boolean dashed, boolean points) {
    }

    static final Color LIGHT = RAW;
    static final Color DARK = SMOOTH;
    static final Color RED = START;
    static final Color GREEN = END;

    /** Writes the plot of the given series (drawn in order, legend in the same order). */
    static void write(Path file, String title, String subtitle, String xLabel, String yLabel,
                      java.util.List<Series> series) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);

        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double xLo = Double.POSITIVE_INFINITY;
        double xHi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.y()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            for (double v : s.x()) {
                xLo = Math.min(xLo, v);
                xHi = Math.max(xHi, v);
            }
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        if (!(xHi > xLo)) {
            xHi = xLo + 1;
        }
        double step = niceStep((hi - lo) / 6);
        double yMin = Math.floor(lo / step) * step;
        double yMax = Math.ceil(hi / step) * step;
        double xStep = niceStep((xHi - xLo) / 8);
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        Axis ax = new Axis(xLo, xHi, yMin, yMax, plotW, plotH);

        g.setStroke(new BasicStroke(1f));
        boolean text = setFont(g, 13);
        for (double y = yMin; y <= yMax + step / 2; y += step) {
            int py = ax.py(y);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT, py, LEFT + plotW, py);
            if (text) {
                g.setColor(Color.DARK_GRAY);
                String s = format(y, step);
                g.drawString(s, LEFT - 8 - g.getFontMetrics().stringWidth(s), py + 5);
            }
        }
        for (double x = Math.ceil(xLo / xStep) * xStep; x <= xHi + 1e-9; x += xStep) {
            int px = ax.px(x);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(px, TOP, px, TOP + plotH);
            if (text) {
                g.setColor(Color.DARK_GRAY);
                String s = format(x, xStep);
                g.drawString(s, px - g.getFontMetrics().stringWidth(s) / 2, TOP + plotH + 20);
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT, TOP, plotW, plotH);

        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(stroke(s));
            g.draw(path(s.x(), s.y(), ax));
            if (s.points()) {
                int r = Math.round(s.width() + 1.5f);
                for (int i = 0; i < s.x().length; i++) {
                    g.fillOval(ax.px(s.x()[i]) - r, ax.py(s.y()[i]) - r, 2 * r, 2 * r);
                }
            }
        }

        if (text) {
            setFont(g, 20);
            g.setColor(Color.BLACK);
            g.drawString(title, LEFT, 32);
            setFont(g, 14);
            g.setColor(Color.DARK_GRAY);
            g.drawString(subtitle, LEFT, 54);
            g.drawString(xLabel, LEFT + plotW / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, H - 22);
            Graphics2D r = (Graphics2D) g.create();
            r.rotate(-Math.PI / 2);
            r.drawString(yLabel, -(TOP + plotH / 2 + r.getFontMetrics().stringWidth(yLabel) / 2), 24);
            r.dispose();
            legend(g, series, plotW);
        }
        g.dispose();
        // Through a stream we open ourselves: the failure then names the file, where ImageIO's
        // File overload only says "Can't create output stream!".
        try (java.io.OutputStream stream = java.nio.file.Files.newOutputStream(file)) {
            if (!ImageIO.write(img, "png", stream)) {
                throw new IOException("no PNG writer available");
            }
        }
    }

    private static BasicStroke stroke(Series s) {
        return s.dashed() ? new BasicStroke(s.width(), BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {8f, 6f}, 0f) : new BasicStroke(s.width(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    private static void legend(Graphics2D g, java.util.List<Series> series, int plotW) {
        setFont(g, 13);
        FontMetrics fm = g.getFontMetrics();
        int width = 0;
        for (Series s : series) {
            width = Math.max(width, fm.stringWidth(s.label()));
        }
        int x = LEFT + plotW - width - 60;
        int y = TOP + 12;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(x - 10, y - 4, width + 60, series.size() * 20 + 8);
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x - 10, y - 4, width + 60, series.size() * 20 + 8);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            int ly = y + 10 + k * 20;
            g.setColor(s.color());
            g.setStroke(stroke(s));
            g.drawLine(x, ly, x + 36, ly);
            g.setColor(Color.DARK_GRAY);
            g.drawString(s.label(), x + 44, ly + 5);
        }
    }

    /** Maps data to pixels. */
    private record Axis(double x0, double x1, double y0, double y1, int w, int h) {
        int px(double x) {
            return LEFT + (int) Math.round((x - x0) / (x1 - x0) * w);
        }

        int py(double y) {
            return TOP + h - (int) Math.round((y - y0) / (y1 - y0) * h);
        }
    }

    private static Path2D path(double[] xs, double[] ys, Axis ax) {
        Path2D p = new Path2D.Double();
        for (int i = 0; i < xs.length; i++) {
            double x = ax.px(xs[i]);
            double y = ax.py(ys[i]);
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        return p;
    }

    static double[] movingAverage(double[] v, int window) {
        double[] out = new double[v.length];
        double acc = 0;
        for (int i = 0; i < v.length; i++) {
            acc += v[i];
            if (i >= window) {
                acc -= v[i - window];
            }
            out[i] = acc / Math.min(i + 1, window);
        }
        return out;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    private static String format(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Sets a sans-serif font; false when the machine cannot render text. */
    private static boolean setFont(Graphics2D g, int size) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
            g.getFontMetrics().stringWidth("0");
            return true;
        } catch (RuntimeException | Error e) {
            return false;
        }
    }
}
