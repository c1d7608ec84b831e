package org.robustify.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long loop on stderr: a redrawn bar on a terminal; otherwise (CI, logs) a line every 10%, so logs
 * stay readable.
 */
public final class ProgressBar {
    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastDraw;
    private int lastDecile = -1;

    public ProgressBar(String label, long total) {
        this(label, total, System.err, System.console() != null);
    }

    /** A bar that draws nothing: the other ranks of a data-parallel job, whose progress rank 0 shows. */
    public static ProgressBar quiet(String label, long total) {
        return new ProgressBar(label, total, new PrintStream(java.io.OutputStream.nullOutputStream()), false);
    }

    /** Shown when {@code shown}, else {@link #quiet}. */
    public static ProgressBar shownIf(boolean shown, String label, long total) {
        return shown ? new ProgressBar(label, total) : quiet(label, total);
    }

    ProgressBar(String label, long total, PrintStream out, boolean terminal) {
        this.label = label;
        this.total = Math.max(1, total);
        this.out = out;
        this.terminal = terminal;
    }

    /** @param done items finished; @param status short text such as "loss 0.41" */
    public void update(long done, String status) {
        long now = System.nanoTime();
        double seconds = (now - startNanos) / 1e9;
        double fraction = Math.min(1.0, done / (double) total);
        double eta = done > 0 ? seconds * (total - done) / done : 0;
        if (terminal) {
            if (now - lastDraw < 100_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            int width = 30;
            int filled = (int) Math.round(fraction * width);
            out.printf(Locale.ROOT, "\r%s [%s%s] %d/%d %5.1f%% %s elapsed %s eta %s   ", label,
                    "=".repeat(filled), " ".repeat(width - filled), done, total, 100 * fraction, status,
                    clock(seconds), clock(eta));
            out.flush();
        } else {
            int decile = (int) (fraction * 10);
            if (decile > lastDecile) {
                lastDecile = decile;
                out.printf(Locale.ROOT, "%s %d/%d (%.0f%%) %s elapsed %s eta %s%n", label, done, total,
                        100 * fraction, status, clock(seconds), clock(eta));
            }
        }
    }

    public void finish(String status) {
        if (terminal) {
            lastDraw = 0;
            update(total, status);
            out.println();
        } else if (lastDecile < 10) {
            update(total, status);
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
