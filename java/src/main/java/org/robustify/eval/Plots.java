package org.robustify.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;

/**
 * PNG charts with Java2D: a labelled scatter (the paper's accuracy-vs-training-time figure), line plots (training
 * curves, Pareto frontiers) and a corruption × severity accuracy heat map. Headless; files are written atomically.
 */
public final class Plots {
    /** One labelled point of a scatter plot. */
    public record Point(String label, double x, double y) {}

    /** One line: {@code x} and {@code y} of the same length. */
    public record Series(String label, double[] x, double[] y) {
        public Series {
            if (x == null || y == null || x.length != y.length) {
                throw new RobustifyException("series '" + label + "' needs x and y of the same length; got "
                        + (x == null ? "null" : x.length) + " and " + (y == null ? "null" : y.length));
            }
            x = x.clone();
            y = y.clone();
        }
    }

    static final int WIDTH = 960;
    static final int HEIGHT = 640;
    private static final int LEFT = 90;
    private static final int RIGHT = 220;
    private static final int TOP = 60;
    private static final int BOTTOM = 80;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
        new Color(0xbcbd22), new Color(0x17becf)};

    static {
        // Servers and CI have no display; AWT must not look for one.
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /** Scatter plot with linear x. */
    public static void scatter(Path png, String title, String xLabel, String yLabel, List<Point> points) {
        scatter(png, title, xLabel, yLabel, points, false);
    }

    /** Scatter plot: each point labelled beside it and listed in the legend; {@code logX} for a base-10 x axis. */
    public static void scatter(Path png, String title, String xLabel, String yLabel, List<Point> points,
            boolean logX) {
        if (points == null || points.isEmpty()) {
            throw new RobustifyException("scatter plot '" + title + "' has no points");
        }
        BufferedImage img = canvas(WIDTH, HEIGHT);
        Graphics2D g = graphics(img);
        Axis x = Axis.covering(points.stream().mapToDouble(Point::x).toArray(), logX, LEFT, WIDTH - RIGHT, "x");
        Axis y = Axis.covering(points.stream().mapToDouble(Point::y).toArray(), false, HEIGHT - BOTTOM, TOP, "y");
        frame(g, title, xLabel, yLabel, x, y);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            Color c = PALETTE[i % PALETTE.length];
            double px = x.toPixel(p.x());
            double py = y.toPixel(p.y());
            g.setColor(c);
            g.fill(new Ellipse2D.Double(px - 6, py - 6, 12, 12));
            g.setColor(Color.BLACK);
            g.draw(new Ellipse2D.Double(px - 6, py - 6, 12, 12));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            String text = p.label() == null ? "" : p.label();
            int tw = g.getFontMetrics().stringWidth(text);
            // Labels go right of the point unless they would leave the plot area.
            int tx = px + 9 + tw > WIDTH - RIGHT ? (int) px - 9 - tw : (int) px + 9;
            g.drawString(text, tx, (int) py - 8);
            labels.add(text);
        }
        legend(g, labels, false);
        write(png, img, g);
    }

    /** Line plot: one polyline with markers per series, and a legend. */
    public static void lines(Path png, String title, String xLabel, String yLabel, List<Series> series) {
        if (series == null || series.isEmpty() || series.stream().allMatch(s -> s.x().length == 0)) {
            throw new RobustifyException("line plot '" + title + "' has no data");
        }
        BufferedImage img = canvas(WIDTH, HEIGHT);
        Graphics2D g = graphics(img);
        Axis x = Axis.covering(series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.x())).toArray(), false,
                LEFT, WIDTH - RIGHT, "x");
        Axis y = Axis.covering(series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.y())).toArray(), false,
                HEIGHT - BOTTOM, TOP, "y");
        frame(g, title, xLabel, yLabel, x, y);
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            g.setColor(PALETTE[i % PALETTE.length]);
            g.setStroke(new BasicStroke(2.2f));
            Path2D.Double line = new Path2D.Double();
            for (int k = 0; k < s.x().length; k++) {
                double px = x.toPixel(s.x()[k]);
                double py = y.toPixel(s.y()[k]);
                if (k == 0) {
                    line.moveTo(px, py);
                } else {
                    line.lineTo(px, py);
                }
                g.fill(new Ellipse2D.Double(px - 3.5, py - 3.5, 7, 7));
            }
            g.draw(line);
            labels.add(s.label() == null ? "" : s.label());
        }
        g.setStroke(new BasicStroke(1f));
        legend(g, labels, true);
        write(png, img, g);
    }

    /** Accuracy per corruption (rows) × severity (columns), colour-coded on [0, 1], values printed in the cells. */
    public static void heatMap(Path png, String title, SuiteResult result) {
        List<String> rows = result.corruptions();
        if (rows.isEmpty()) {
            throw new RobustifyException("heat map '" + title + "': the suite result has no corruptions");
        }
        int[] severities = result.severities();
        int cellW = 90;
        int cellH = 30;
        int left = 170;
        int top = 84;
        int legendW = 130;
        int width = Math.max(left + severities.length * cellW + legendW, 520);
        int height = top + rows.size() * cellH + 40;
        BufferedImage img = canvas(width, height);
        Graphics2D g = graphics(img);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        centered(g, title, width / 2, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        centered(g, String.format(Locale.ROOT, "clean %.3f · mean corrupted %.3f · n = %d", result.cleanAccuracy(),
                result.meanCorruptionAccuracy(), result.count()), width / 2, 50);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int j = 0; j < severities.length; j++) {
            centered(g, "severity " + severities[j], left + j * cellW + cellW / 2, top - 8);
        }
        for (int i = 0; i < rows.size(); i++) {
            double[] acc = result.accuracy(rows.get(i));
            int yTop = top + i * cellH;
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(rows.get(i), left - 10 - fm.stringWidth(rows.get(i)), yTop + cellH / 2 + fm.getAscent() / 2 - 2);
            for (int j = 0; j < severities.length; j++) {
                Color c = Colormap.at(acc[j]);
                g.setColor(c);
                g.fillRect(left + j * cellW, yTop, cellW, cellH);
                g.setColor(Colormap.textOn(c));
                centered(g, String.format(Locale.ROOT, "%.3f", acc[j]), left + j * cellW + cellW / 2,
                        yTop + cellH / 2 + fm.getAscent() / 2 - 2);
            }
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, severities.length * cellW, rows.size() * cellH);
        colourBar(g, left + severities.length * cellW + 40, top, 20, rows.size() * cellH);
        write(png, img, g);
    }

    private static void colourBar(Graphics2D g, int x, int y, int w, int h) {
        for (int k = 0; k < h; k++) {
            g.setColor(Colormap.at(1 - k / (double) (h - 1)));
            g.drawLine(x, y + k, x + w, y + k);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x, y, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double v = 0; v <= 1.0001; v += 0.25) {
            int py = y + (int) Math.round((1 - v) * h);
            g.drawLine(x + w, py, x + w + 4, py);
            g.drawString(Axis.label(v), x + w + 7, py + 4);
        }
        g.drawString("accuracy", x - 10, y - 8);
    }

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    /** Title, axis titles, grid, ticks and the plot-area border. */
    private static void frame(Graphics2D g, String title, String xLabel, String yLabel, Axis x, Axis y) {
        int x0 = LEFT;
        int x1 = WIDTH - RIGHT;
        int y0 = HEIGHT - BOTTOM;
        int y1 = TOP;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (double v : x.ticks()) {
            int px = (int) Math.round(x.toPixel(v));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(px, y1, px, y0);
            g.setColor(Color.BLACK);
            g.drawLine(px, y0, px, y0 + 5);
            centered(g, Axis.label(v), px, y0 + 8 + fm.getAscent());
        }
        for (double v : y.ticks()) {
            int py = (int) Math.round(y.toPixel(v));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(x0, py, x1, py);
            g.setColor(Color.BLACK);
            g.drawLine(x0 - 5, py, x0, py);
            String s = Axis.label(v);
            g.drawString(s, x0 - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x0, y1, x1 - x0, y0 - y1);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        centered(g, title == null ? "" : title, (x0 + x1) / 2, 32);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        centered(g, (xLabel == null ? "" : xLabel) + (x.log ? " (log scale)" : ""), (x0 + x1) / 2, HEIGHT - 28);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centered(g, yLabel == null ? "" : yLabel, -(y0 + y1) / 2, 26);
        g.setTransform(saved);
    }

    private static void legend(Graphics2D g, List<String> labels, boolean asLines) {
        int x = WIDTH - RIGHT + 20;
        int y = TOP + 10;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        int h = labels.size() * 22 + 12;
        g.setColor(new Color(0xFAFAFA));
        g.fillRect(x - 8, y - 8, RIGHT - 28, h);
        g.setColor(Color.GRAY);
        g.drawRect(x - 8, y - 8, RIGHT - 28, h);
        for (int i = 0; i < labels.size(); i++) {
            int cy = y + i * 22 + 8;
            g.setColor(PALETTE[i % PALETTE.length]);
            if (asLines) {
                g.setStroke(new BasicStroke(2.2f));
                g.drawLine(x, cy, x + 22, cy);
                g.setStroke(new BasicStroke(1f));
            } else {
                g.fill(new Ellipse2D.Double(x + 5, cy - 6, 12, 12));
            }
            g.setColor(Color.BLACK);
            g.drawString(clip(labels.get(i), fm, RIGHT - 70), x + 30, cy + fm.getAscent() / 2 - 1);
        }
    }

    private static String clip(String s, FontMetrics fm, int max) {
        if (fm.stringWidth(s) <= max) {
            return s;
        }
        String t = s;
        while (!t.isEmpty() && fm.stringWidth(t + "…") > max) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    private static void write(Path png, BufferedImage img, Graphics2D g) {
        g.dispose();
        if (png == null) {
            throw new RobustifyException("png path is null");
        }
        AtomicFiles.write(png, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available in this JVM");
            }
        });
    }
}
