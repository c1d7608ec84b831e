package org.robustify.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.robustify.attack.AdversarialEval;
import org.robustify.attack.AttackOptions;
import org.robustify.data.ImageDataset;
import org.robustify.eval.CorruptionErrors;
import org.robustify.eval.CorruptionSuite;
import org.robustify.eval.Predictor;
import org.robustify.eval.SuiteOptions;
import org.robustify.eval.SuiteResult;
import org.robustify.model.ImageClassifier;

/**
 * Runs the chosen suites on one model and collects every number in a JSON-ready tree. Each suite is timed; the
 * sample order is the dataset's and all randomness is keyed by the seed, so a rerun gives the same numbers.
 */
public final class Bench {
    /** The JSON tree, and the corruption suite's result (null when not run) for the heat map. */
    public record Result(Map<String, Object> json, SuiteResult corruptions) {}

    /** A previous run's corruption results to compute CE and relative mCE against. */
    public record Baseline(String name, SuiteResult suite) {}

    private Bench() {}

    public static Result run(BenchModel model, ImageDataset data, List<OodSet> ood, BenchOptions o,
            Baseline baseline) {
        for (OodSet set : ood) {
            set.requireCompatible(model.classes());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> seconds = new LinkedHashMap<>();
        ImageDataset head = data.head(o.limit());
        if (o.has(BenchSuite.CLEAN) || o.has(BenchSuite.CALIBRATION)) {
            LogitEval.Result r = LogitEval.run(model.scored(), head, model.mean(), model.std(), o.batchSize(),
                    "clean");
            if (o.has(BenchSuite.CLEAN)) {
                json.put("clean", Map.of("accuracy", r.accuracy(), "correct", r.correct(), "total", r.total()));
            }
            if (o.has(BenchSuite.CALIBRATION)) {
                json.put("calibration", r.calibration().asMap());
            }
            seconds.put("clean+calibration", r.seconds());
        }
        SuiteResult suite = null;
        if (o.has(BenchSuite.CORRUPTIONS)) {
            long start = System.nanoTime();
            SuiteOptions so = SuiteOptions.defaults().withLimit(o.corruptionLimit()).withSeed(o.seed())
                    .withBatchSize(o.batchSize()).withProgress(true);
            suite = CorruptionSuite.run(model.scored(), data, model.mean(), model.std(), so);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("suite", suite.asMap());
            if (baseline != null) {
                SuiteResult s = suite;
                c.put("errors", errors(() -> CorruptionErrors.against(s, baseline.suite(), baseline.name())));
            }
            if (o.imagenet()) {
                SuiteResult s = suite;
                c.put("errors_alexnet", errors(() -> CorruptionErrors.againstAlexNet(s)));
            }
            json.put("corruptions", c);
            seconds.put("corruptions", (System.nanoTime() - start) / 1e9);
        }
        if (o.has(BenchSuite.OOD)) {
            long start = System.nanoTime();
            List<Object> sets = new ArrayList<>();
            for (OodSet set : ood) {
                sets.add(ood(model, set, o));
            }
            json.put("ood", sets);
            seconds.put("ood", (System.nanoTime() - start) / 1e9);
        }
        if (o.has(BenchSuite.FGSM)) {
            long start = System.nanoTime();
            json.put("fgsm", attacks(model, head, o, true));
            seconds.put("fgsm", (System.nanoTime() - start) / 1e9);
        }
        if (o.has(BenchSuite.PGD)) {
            long start = System.nanoTime();
            json.put("pgd", attacks(model, head, o, false));
            seconds.put("pgd", (System.nanoTime() - start) / 1e9);
        }
        json.put("seconds", seconds);
        return new Result(json, suite);
    }

    /**
     * The errors' table, or the reason they are undefined (e.g. a baseline as good under a corruption as on clean
     * images makes relative CE a division by zero): the suite's accuracies are kept either way.
     */
    private static Map<String, Object> errors(java.util.function.Supplier<CorruptionErrors> compute) {
        try {
            return compute.get().asMap();
        } catch (org.robustify.runtime.RobustifyException e) {
            System.err.println("corruption errors not reported: " + e.getMessage());
            return Map.of("error", e.getMessage());
        }
    }

    private static Map<String, Object> ood(BenchModel model, OodSet set, BenchOptions o) {
        Predictor p = set.mask() == null ? model.scored() : set.mask().restrict(model.scored());
        LogitEval.Result r = LogitEval.run(p, set.data(), model.mean(), model.std(), o.batchSize(),
                "ood " + set.name());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", set.name());
        m.put("source", set.source());
        m.put("classes", set.data().numClasses());
        m.put("class_mask", set.mask() == null ? null : set.mask().size() + " of " + model.classes()
                + " model outputs");
        m.put("images", set.data().size());
        m.put("unreadable", set.unreadable().size());
        m.put("unreadable_files", set.unreadable());
        m.put("accuracy", r.accuracy());
        m.put("ece", r.calibration().ece());
        m.put("nll", r.calibration().nll());
        m.put("seconds", r.seconds());
        return m;
    }

    private static Map<String, Object> attacks(BenchModel model, ImageDataset data, BenchOptions o, boolean fgsm) {
        List<Object> rows = new ArrayList<>();
        ImageClassifier attacked = model.attacked();
        AttackOptions first = null;
        for (double eps : o.epsilons()) {
            AttackOptions a = fgsm ? BenchOptions.fgsm(eps, o.norm()) : o.pgd(eps);
            first = first == null ? a : first;
            AdversarialEval.Result r = AdversarialEval.accuracy(attacked, model.scored(), data, model.mean(),
                    model.std(), a, 0, o.batchSize());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("eps", eps);
            row.put("eps_255", eps * 255);
            row.put("accuracy", r.accuracy());
            row.put("correct", r.correct());
            row.put("total", r.total());
            rows.add(row);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("norm", o.norm().name().toLowerCase());
        m.put("attack_target", model.attackTarget());
        if (!fgsm) {
            m.put("steps", o.pgdSteps());
            m.put("step", o.pgdStep() > 0 ? o.pgdStep() : "2.5*eps/steps");
            m.put("random_start", true);
            m.put("seed", o.seed());
        }
        m.put("results", rows);
        return m;
    }
}
