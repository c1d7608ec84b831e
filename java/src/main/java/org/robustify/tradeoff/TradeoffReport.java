package org.robustify.tradeoff;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.robustify.eval.MarkdownTable;
import org.robustify.eval.Plots;

/** tradeoff.md and the two plots of a finished study. */
final class TradeoffReport {
    private TradeoffReport() {}

    static String markdown(TradeoffSettings s, List<StrategyOutcome> outcomes, Map<String, Double> scores,
            double seconds) {
        MarkdownTable t = new MarkdownTable("strategy", "trainable", "total", "trainable %", "points",
                "best clean", "best PGD", "best corruptions", "frontier", "area", "% above average",
                "best validation (step)", "test clean / PGD there");
        t.format(3, "%.3f").format(9, "%.4f").format(10, "%+.1f");
        for (StrategyOutcome o : outcomes) {
            TradeoffPoint best = o.bestOnValidation();
            t.row(o.strategy(), o.trainable(), o.total(), 100.0 * o.trainable() / o.total(), o.points().size(),
                    o.points().stream().mapToDouble(TradeoffPoint::clean).max().orElse(Double.NaN),
                    o.points().stream().mapToDouble(TradeoffPoint::robust).max().orElse(Double.NaN),
                    o.points().stream().mapToDouble(TradeoffPoint::corruption).filter(v -> !Double.isNaN(v)).max()
                            .orElse(Double.NaN),
                    o.frontier().size(), o.area(), 100 * scores.get(o.strategy()),
                    best == null ? "—" : String.format(Locale.ROOT, "%.4f (%d)", best.validation(), best.step()),
                    best == null ? "—" : String.format(Locale.ROOT, "%.4f / %.4f", best.clean(), best.robust()));
        }
        StringBuilder b = new StringBuilder("# Robustness–accuracy trade-off of fine-tuning strategies\n\n");
        b.append(String.format(Locale.ROOT, "%s (depth %d, patch %d) on Fashion-MNIST, %d steps of batch %d per "
                + "strategy; PGD L∞ ε = %.4g, step %.4g, %d steps, random start, on %d test images; corruptions: 15 "
                + "at severity %d on %d images; validation: clean accuracy on a held-out %.0f%% of the fine-tuning "
                + "split. Study time %.0f s.%n%n", s.model(), s.depth(), s.patchSize(), s.steps(), s.batchSize(),
                s.pgdEpsilon(), s.pgdStep(), s.pgdSteps(), s.evalImages(),
                s.corruptionSeverity(), s.corruptionImages(), 100 * s.valFraction(), seconds));
        b.append(t.render()).append('\n');
        b.append("Area: integral over clean accuracy in [0, 1] of the frontier's step function (best robust accuracy "
                + "at clean accuracy ≥ c); % above average: area / mean area − 1. Accuracies are fractions.\n\n");
        b.append("![frontiers](tradeoff.png)\n\n![all points](tradeoff_points.png)\n");
        return b.toString();
    }

    /** Frontiers as staircases, labelled with their areas. */
    static void frontiers(Path png, List<StrategyOutcome> outcomes) {
        List<Plots.Series> series = new ArrayList<>();
        for (StrategyOutcome o : outcomes) {
            List<TradeoffPoint> f = o.frontier();
            List<double[]> xy = new ArrayList<>();
            // Drawn from the first frontier point on (the step at [0, c_1] would squash the interesting part).
            for (int j = 0; j < f.size(); j++) {
                if (j > 0) {
                    xy.add(new double[] {f.get(j - 1).clean(), f.get(j).robust()});
                }
                xy.add(new double[] {f.get(j).clean(), f.get(j).robust()});
            }
            series.add(new Plots.Series(String.format(Locale.ROOT, "%s (%.3f)", o.strategy(), o.area()),
                    xy.stream().mapToDouble(v -> v[0]).toArray(), xy.stream().mapToDouble(v -> v[1]).toArray()));
        }
        Plots.lines(png, "Pareto frontiers (area)", "clean accuracy", "PGD accuracy", series);
    }

    /** Every logged point, joined in training order. */
    static void points(Path png, List<StrategyOutcome> outcomes) {
        List<Plots.Series> series = new ArrayList<>();
        for (StrategyOutcome o : outcomes) {
            series.add(new Plots.Series(o.strategy(), o.points().stream().mapToDouble(TradeoffPoint::clean).toArray(),
                    o.points().stream().mapToDouble(TradeoffPoint::robust).toArray()));
        }
        Plots.lines(png, "Clean vs PGD accuracy during fine-tuning", "clean accuracy", "PGD accuracy", series);
    }
}
