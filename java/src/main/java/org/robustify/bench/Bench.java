package org.robustify.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.robustify.attack.AdversarialEval;
import org.robustify.attack.AttackOptions;
import org.robustify.corrupt.CorruptionPreset;
import org.robustify.data.ImageDataset;
import org.robustify.eval.CorruptionErrors;
import org.robustify.dist.ShardedBatches;
import org.robustify.eval.CorruptionSuite;
import org.robustify.eval.Predictor;
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

    /**
     * @param folder the corrupted images written by {@code robustify corrupt} (its cells are {@code o}'s), or null
     *               to corrupt on the fly
     */
    public static Result run(BenchModel model, ImageDataset data, List<OodSet> ood, BenchOptions o,
            Baseline baseline, CorruptionFolder folder) {
        return run(model, data, ood, o, baseline, folder, ShardedBatches.single());
    }

    /** Sharded over the ranks of {@code shards}; every rank gets the one-process numbers (timings aside). */
    public static Result run(BenchModel model, ImageDataset data, List<OodSet> ood, BenchOptions o,
            Baseline baseline, CorruptionFolder folder, ShardedBatches shards) {
        for (OodSet set : ood) {
            set.requireCompatible(model.classes());
        }
        if (folder != null && o.has(BenchSuite.CORRUPTIONS)) {
            // Checked before any suite runs: a folder that does not fit the data fails now, not after the attacks.
            folder.evaluatedImages(data, o.corruptionLimit());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> seconds = new LinkedHashMap<>();
        ImageDataset head = data.head(o.limit());
        if (o.has(BenchSuite.CLEAN) || o.has(BenchSuite.CALIBRATION)) {
            LogitEval.Result r = LogitEval.run(model.scored(), head, model.mean(), model.std(), o.batchSize(),
                    "clean", shards);
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
            suite = suite(model.scored(), data, model.mean(), model.std(), o, folder, shards);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("source", folder != null ? folder.describe() : onTheFly(o, data));
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
                sets.add(ood(model, set, o, shards));
            }
            json.put("ood", sets);
            seconds.put("ood", (System.nanoTime() - start) / 1e9);
        }
        if (o.has(BenchSuite.FGSM)) {
            long start = System.nanoTime();
            json.put("fgsm", attacks(model, head, o, true, shards));
            seconds.put("fgsm", (System.nanoTime() - start) / 1e9);
        }
        if (o.has(BenchSuite.PGD)) {
            long start = System.nanoTime();
            json.put("pgd", attacks(model, head, o, false, shards));
            seconds.put("pgd", (System.nanoTime() - start) / 1e9);
        }
        json.put("seconds", seconds);
        return new Result(json, suite);
    }

    /**
     * The corruption suite of one predictor: from the folder (the folder's seed is the suite's corruption seed), or
     * on the fly. Also used for a baseline run, so it sees the very same images.
     */
    public static SuiteResult suite(Predictor p, ImageDataset data, float[] mean, float[] std, BenchOptions o,
            CorruptionFolder folder, ShardedBatches shards) {
        if (folder == null) {
            return CorruptionSuite.run(p, data, mean, std, o.suiteOptions(),
                    CorruptionSuite.engine(o.suiteOptions()), shards);
        }
        return CorruptionSuite.run(p, data, mean, std, o.suiteOptions()
                .withLimit(folder.evaluatedImages(data, o.corruptionLimit())).withSeed(folder.seed()), folder, shards);
    }

    private static Map<String, Object> onTheFly(BenchOptions o, ImageDataset data) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", "on the fly");
        d.put("seed", o.seed());
        d.put("preset", CorruptionPreset.AUTO.nativeName());
        d.put("preset_resolved", CorruptionPreset.AUTO.resolve(data.height(), data.width()).nativeName());
        d.put("frost", "procedural");
        d.put("path", "fast");
        return d;
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

    private static Map<String, Object> ood(BenchModel model, OodSet set, BenchOptions o, ShardedBatches shards) {
        Predictor p = set.mask() == null ? model.scored() : set.mask().restrict(model.scored());
        LogitEval.Result r = LogitEval.run(p, set.data(), model.mean(), model.std(), o.batchSize(),
                "ood " + set.name(), shards);
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

    private static Map<String, Object> attacks(BenchModel model, ImageDataset data, BenchOptions o, boolean fgsm,
            ShardedBatches shards) {
        List<Object> rows = new ArrayList<>();
        ImageClassifier attacked = model.attacked();
        AttackOptions first = null;
        for (double eps : o.epsilons()) {
            AttackOptions a = fgsm ? BenchOptions.fgsm(eps, o.norm()) : o.pgd(eps);
            first = first == null ? a : first;
            AdversarialEval.Result r = AdversarialEval.accuracy(attacked, model.scored(), data, model.mean(),
                    model.std(), a, 0, o.batchSize(), shards);
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
