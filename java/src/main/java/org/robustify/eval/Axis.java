package org.robustify.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.robustify.runtime.RobustifyException;

/** A linear or base-10 log axis from data values to pixels, with readable tick values. */
final class Axis {
    final double min;
    final double max;
    final boolean log;
    private final double pixelFrom;
    private final double pixelTo;

    private Axis(double min, double max, boolean log, double pixelFrom, double pixelTo) {
        this.min = min;
        this.max = max;
        this.log = log;
        this.pixelFrom = pixelFrom;
        this.pixelTo = pixelTo;
    }

    /** An axis covering {@code values} with a 5% margin, mapped onto pixels [from, to] (to < from for y). */
    static Axis covering(double[] values, boolean log, double pixelFrom, double pixelTo, String name) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new RobustifyException(name + " value " + v + " cannot be plotted");
            }
            if (log && v <= 0) {
                throw new RobustifyException(name + " value " + v + " cannot be plotted on a log axis (needs > 0)");
            }
            lo = Math.min(lo, log ? Math.log10(v) : v);
            hi = Math.max(hi, log ? Math.log10(v) : v);
        }
        if (values.length == 0) {
            throw new RobustifyException("nothing to plot: no " + name + " values");
        }
        if (hi - lo < 1e-12) {
            // A single value or a flat series: give it some room so it sits mid-axis.
            double pad = log ? 0.5 : Math.max(Math.abs(hi) * 0.1, 1e-3);
            lo -= pad;
            hi += pad;
        } else {
            double pad = (hi - lo) * 0.05;
            lo -= pad;
            hi += pad;
        }
        return new Axis(lo, hi, log, pixelFrom, pixelTo);
    }

    double toPixel(double v) {
        double t = ((log ? Math.log10(v) : v) - min) / (max - min);
        return pixelFrom + t * (pixelTo - pixelFrom);
    }

    /** Tick values (data units) inside the axis. */
    List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        if (log) {
            int first = (int) Math.ceil(min - 1e-9);
            int last = (int) Math.floor(max + 1e-9);
            boolean fewDecades = last - first < 2;
            for (int e = first - 1; e <= last; e++) {
                for (int m : fewDecades ? new int[] {1, 2, 5} : new int[] {1}) {
                    double v = m * Math.pow(10, e);
                    double lv = Math.log10(v);
                    if (lv >= min - 1e-9 && lv <= max + 1e-9) {
                        out.add(v);
                    }
                }
            }
            return out;
        }
        double step = niceStep((max - min) / 6);
        for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
            out.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
        return out;
    }

    static double niceStep(double raw) {
        double exp = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / exp;
        double nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        return nice * exp;
    }

    static String label(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) {
            return String.format(Locale.ROOT, "%.0e", v);
        }
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
