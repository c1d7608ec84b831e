package org.robustify.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.eval.CorruptionSuite;
import org.robustify.eval.SuiteOptions;
import org.robustify.eval.SuiteResult;
import org.robustify.loss.DistillOptions;
import org.robustify.method.DistillJob;
import org.robustify.method.DistillSettings;
import org.robustify.method.HeadPolicy;
import org.robustify.method.HeadSelector;
import org.robustify.method.LinearProbe;
import org.robustify.method.Prediction;
import org.robustify.method.RunPredictor;
import org.robustify.method.TransferProbe;
import org.robustify.method.TransferTasks;
import org.robustify.method.WiseRun;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.Provenance;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.LrSchedule;
import org.robustify.train.RunModel;
import org.robustify.train.SupervisedJob;
import org.robustify.train.TrainConfig;
import org.robustify.train.augment.Augmenter;
import org.robustify.train.augment.Augmenters;
import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;

/**
 * {@code robustify demo}: the method against its baselines on Fashion-MNIST, end to end. Pre-trains the "large"
 * student on clean images (cached), trains the robust teacher, runs the method (distillation into the last blocks,
 * calibrated head selection), AugMix complete fine-tuning, WiSE-FT between the student and that fine-tuned model,
 * and partial tuning without a teacher; evaluates each on the clean test set and on the 15 corruptions x 5
 * severities; probes transfer; writes results.json, results.md, accuracy_vs_time.png and a manifest. Every stage
 * is its own run folder and every evaluation its own file, so a rerun reuses what is done and resumes what is not.
 */
public final class Demo {
    public static final String RESULTS_JSON = "results.json";
    public static final String RESULTS_MD = "results.md";
    public static final String PLOT = "accuracy_vs_time.png";
    static final String ABLATION_PREFIX = "ablation-";

    private final DemoPlan plan;
    private final Path out;
    private final Path cache;
    private final Path dataDir;
    private final long seed;
    private final int threads;
    private final boolean ablations;

    public Demo(DemoPlan plan, Path out, Path cache, Path dataDir, long seed, int threads, boolean ablations) {
        this.plan = plan;
        this.out = out;
        this.cache = cache;
        this.dataDir = dataDir;
        this.seed = seed;
        this.threads = threads;
        this.ablations = ablations;
    }

    public Map<String, Object> run() {
        long start = System.nanoTime();
        NativeRuntime.init(threads);
        Path data = FashionMnist.resolveDir(dataDir);
        ImageDataset test = FashionMnist.load(data, FashionMnist.Split.TEST);
        Map<String, Object> manifest = Provenance.manifest("demo", config(), seed, Map.of("dataset", "fashion-mnist",
                "dir", data.toString()));
        manifest.put("status", "running");
        Provenance.write(out.resolve("manifest.json"), manifest);

        TrainedStep.Done student = TrainedStep.run("1/6 student (pre-training on clean images, cached)",
                studentConfig(), SupervisedJob.factory(SupervisedJob.Options.plain()));
        Augmenter augmix = Augmenters.augmix(3, -1, 3, 1.0, false, seed);
        TrainedStep.Done teacher = TrainedStep.run("2/6 teacher (" + plan.teacher() + ", AugMix + JSD)",
                loop(plan.teacher(), ModelOptions.DEFAULT, plan.teacherEpochs(), 2e-3, 100, out.resolve("teacher")),
                SupervisedJob.factory(new SupervisedJob.Options("teacher", augmix, 12, null, null)));
        TrainedStep.Done method = TrainedStep.run("3/6 method (distillation into " + plan.tune() + ")",
                distillConfig(out.resolve("method")), DistillJob.factory(distill(student.dir(), teacher.dir(),
                        DistillOptions.Weighting.ENTROPY, false, augmix)));
        TrainedStep.Done fullFt = TrainedStep.run("4/6 AugMix complete fine-tuning",
                loop(plan.student(), studentOptions(), plan.finetuneEpochs(), 3e-4, 50, out.resolve("augmix-full")),
                SupervisedJob.factory(new SupervisedJob.Options("finetune", augmix, 12, student.dir(), null)));
        Path wiseDir = out.resolve("wise");
        Path wiseRun = wiseDir.resolve(String.format(Locale.ROOT, "a-%.2f", plan.wiseAlpha()));
        if (TrainedStep.readManifest(wiseRun) == null) {
            WiseRun.run(student.dir(), fullFt.dir(), List.of(plan.wiseAlpha()), wiseDir, test, 500);
        }
        TrainedStep.Done partial = TrainedStep.run("5/6 partial tuning without a teacher",
                distillConfig(out.resolve("partial-no-teacher")), DistillJob.factory(distill(student.dir(), null,
                        DistillOptions.Weighting.ENTROPY, false, augmix)));
        Map<String, TrainedStep.Done> ablationRuns = new LinkedHashMap<>();
        if (ablations) {
            ablationRuns.put(ABLATION_PREFIX + "uniform-kd", TrainedStep.run("ablation: no uncertainty weights",
                    distillConfig(out.resolve(ABLATION_PREFIX + "uniform-kd")), DistillJob.factory(distill(student.dir(),
                            teacher.dir(), DistillOptions.Weighting.UNIFORM, false, augmix))));
            ablationRuns.put(ABLATION_PREFIX + "single-head", TrainedStep.run("ablation: single head",
                    distillConfig(out.resolve(ABLATION_PREFIX + "single-head")), DistillJob.factory(distill(student.dir(),
                            teacher.dir(), DistillOptions.Weighting.ENTROPY, true, augmix))));
        }

        System.err.println("6/6 evaluation: clean test set and 15 corruptions x 5 severities on " + plan.suiteImages()
                + " test images per model");
        List<DemoModel> models = new ArrayList<>();
        models.add(evaluate("original", "Original (pre-trained)", "the student as pre-trained on clean images",
                student.dir(), HeadPolicy.ORIG, 0, Map.of(), student, test));
        // Training time is the issue's: teacher + distillation; the calibration after it is reported beside it.
        double methodSeconds = teacher.trainSeconds() + method.trainSeconds();
        models.add(evaluate("method", "Ours (distilled, head selection)", "teacher + distillation into "
                + plan.tune() + ", calibrated head selection", method.dir(), HeadPolicy.SELECT, methodSeconds,
                Map.of("teacher", teacher.trainSeconds(), "distillation", method.trainSeconds(), "calibration",
                        calibrationSeconds(method.dir())), method, test));
        models.add(evaluate("augmix-full", "AugMix complete fine-tuning", "every parameter, AugMix + JSD",
                fullFt.dir(), HeadPolicy.ORIG, fullFt.trainSeconds(), Map.of("fine-tuning", fullFt.trainSeconds()),
                fullFt, test));
        models.add(evaluate("wise", String.format(Locale.ROOT, "WiSE-FT (a = %.2f)", plan.wiseAlpha()),
                "weight interpolation of the original and the AugMix fine-tuned model", wiseRun, HeadPolicy.ORIG,
                fullFt.trainSeconds(), Map.of("fine-tuning", fullFt.trainSeconds()), fullFt, test));
        double partialSeconds = partial.trainSeconds();
        models.add(evaluate("partial-no-teacher", "Partial tuning, no teacher", "same branch and heads, AugMix, "
                + "no distillation", partial.dir(), HeadPolicy.SELECT, partialSeconds, Map.of("tuning",
                        partial.trainSeconds(), "calibration", calibrationSeconds(partial.dir())), partial, test));
        for (var e : ablationRuns.entrySet()) {
            TrainedStep.Done d = e.getValue();
            double s = teacher.trainSeconds() + d.trainSeconds();
            boolean single = e.getKey().endsWith("single-head");
            models.add(evaluate(e.getKey(), single ? "Ablation: single head" : "Ablation: no uncertainty weights",
                    single ? "one added head learns both terms" : "uniform KD weights", d.dir(),
                    single ? HeadPolicy.ROBUST : HeadPolicy.SELECT, s, Map.of("teacher", teacher.trainSeconds(),
                            "distillation", d.trainSeconds(), "calibration", calibrationSeconds(d.dir())), d, test));
        }
        models.add(evaluate("teacher", "Teacher alone", plan.teacher() + " trained with AugMix (for reference)",
                teacher.dir(), HeadPolicy.ORIG, teacher.trainSeconds(), Map.of("teacher", teacher.trainSeconds()),
                teacher, test));

        Map<String, Object> transfer = transfer(method.dir(), data);
        Map<String, TrainedStep.Done> stages = new LinkedHashMap<>();
        stages.put("student", student);
        stages.put("teacher", teacher);
        stages.put("method", method);
        stages.put("augmix-full", fullFt);
        stages.put("partial-no-teacher", partial);
        stages.putAll(ablationRuns);
        Map<String, Object> results = DemoReport.write(out, plan, models, transfer, student, stages,
                (System.nanoTime() - start) / 1e9);
        manifest.put("status", "completed");
        manifest.put("result", Map.of("results", RESULTS_JSON, "targets", results.get("targets")));
        Provenance.write(out.resolve("manifest.json"), manifest);
        return results;
    }

    private DemoModel evaluate(String key, String label, String description, Path run, HeadPolicy policy,
            double seconds, Map<String, Object> parts, TrainedStep.Done trained, ImageDataset test) {
        Path evalDir = out.resolve("eval");
        Path suiteFile = evalDir.resolve(key + ".suite.json");
        Path cleanFile = evalDir.resolve(key + ".clean.json");
        RunModel runModel = RunModel.read(run);
        InputSpec spec = new InputSpec(test.channels(), test.height(), test.width(), test.numClasses());
        long trainable = trained.trainable();
        long total = trained.total();
        // An evaluation is reused only for the very run it measured (a rerun with other options retrains the stage).
        String runCreated = runModel.manifest().path("created").asText();
        if (Files.isRegularFile(suiteFile) && Files.isRegularFile(cleanFile)
                && readJson(cleanFile).path("run_created").asText().equals(runCreated)) {
            System.err.println(key + ": reusing " + suiteFile);
            JsonNode clean = readJson(cleanFile);
            return new DemoModel(key, label, description, seconds, parts, trainable, total,
                    clean.path("accuracy").asDouble(), SuiteResult.read(suiteFile), routingFrom(clean));
        }
        System.err.println("evaluating " + label);
        RunPredictor p = RunPredictor.open(runModel, spec, runModel.isBranched() ? policy : null, null);
        HeadSelector selector = p.selector();
        Prediction.Result clean = Prediction.run(p.predictor(), test, FashionMnist.MEAN, FashionMnist.STD, 500, null,
                0, 0);
        Map<String, Object> routing = null;
        if (selector != null) {
            routing = new LinkedHashMap<>();
            routing.put("policy", selector.policy().cliName());
            routing.put("clean_test", selector.routing().toJson());
            selector.resetRouting();
        }
        SuiteOptions options = SuiteOptions.defaults().withLimit(plan.suiteImages()).withSeed(seed).withProgress(true)
                .withBatchSize(250);
        SuiteResult suite = CorruptionSuite.run(p.predictor(), test, FashionMnist.MEAN, FashionMnist.STD, options);
        if (selector != null) {
            routing.put("corruption_suite", selector.routing().toJson());
        }
        suite.write(suiteFile);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("run", run.toString());
        c.put("run_created", runCreated);
        c.put("accuracy", clean.accuracy());
        c.put("images", test.size());
        c.put("routing", routing);
        AtomicFiles.writeString(cleanFile, Json.pretty(c) + "\n");
        System.err.printf(Locale.ROOT, "%s: clean %.4f, mean corruption accuracy %.4f%n", label, clean.accuracy(),
                suite.meanCorruptionAccuracy());
        return new DemoModel(key, label, description, seconds, parts, trainable, total, clean.accuracy(), suite,
                routing);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> routingFrom(JsonNode clean) {
        JsonNode r = clean.path("routing");
        return r.isMissingNode() || r.isNull() ? null : Json.MAPPER.convertValue(r, Map.class);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> transfer(Path methodRun, Path data) {
        Path file = out.resolve("eval").resolve("transfer.json");
        RunModel run = RunModel.read(methodRun);
        String runCreated = run.manifest().path("created").asText();
        if (Files.isRegularFile(file) && readJson(file).path("run_created").asText().equals(runCreated)) {
            return Json.MAPPER.convertValue(readJson(file), Map.class);
        }
        ImageDataset train = TransferTasks.fashionGroups(FashionMnist.load(data, FashionMnist.Split.TRAIN))
                .head(Math.min(10_000, plan.trainImages()));
        ImageDataset test = TransferTasks.fashionGroups(FashionMnist.load(data, FashionMnist.Split.TEST));
        BranchedModel model = run.buildBranched(new InputSpec(train.channels(), train.height(),
                train.width(), FashionMnist.CLASSES.size()));
        Map<String, Object> r = TransferProbe.run("fashion-mnist groups (tops, bottoms, footwear, bags)", model, train,
                test, FashionMnist.MEAN, FashionMnist.STD, LinearProbe.Options.defaults()).asMap();
        r = new LinkedHashMap<>(r);
        r.put("run_created", runCreated);
        AtomicFiles.writeString(file, Json.pretty(r) + "\n");
        return r;
    }

    private static double calibrationSeconds(Path run) {
        JsonNode m = TrainedStep.readManifest(run);
        return m == null ? 0 : m.path("calibration").path("seconds").asDouble(0);
    }

    private static JsonNode readJson(Path file) {
        try {
            return Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private DistillSettings distill(Path student, Path teacher, DistillOptions.Weighting weighting, boolean single,
            Augmenter augmenter) {
        return new DistillSettings(student, teacher, plan.tune(), augmenter, 4, 1, 1, weighting, single,
                plan.calibrationImages(), List.of(1, 2, 3, 4, 5), seed);
    }

    private ModelOptions studentOptions() {
        return new ModelOptions(ModelOptions.STEM_IMAGENET, 0, 0);
    }

    /** The student is cached by everything that determines it, so another plan or seed trains its own. */
    private TrainConfig studentConfig() {
        String key = String.format(Locale.ROOT, "student-%s-e%d-n%d-s%d", plan.student(), plan.studentEpochs(),
                plan.trainImages(), seed);
        return loop(plan.student(), studentOptions(), plan.studentEpochs(), 2e-3, 100, cache.resolve(key));
    }

    private TrainConfig distillConfig(Path dir) {
        return loop(plan.student(), studentOptions(), plan.distillEpochs(), 1e-3, 50, dir);
    }

    private TrainConfig loop(String model, ModelOptions options, int epochs, double lr, long warmup, Path dir) {
        return new TrainConfig(model, epochs, plan.batchSize(), lr, 1e-4, seed, threads, plan.trainImages(), 0, 500,
                dataDir, dir, List.of(), false, "adamw", LrSchedule.COSINE, warmup, 0, 0, false, options);
    }

    private Map<String, Object> config() {
        Map<String, Object> m = new LinkedHashMap<>(plan.asMap());
        m.put("out", out.toString());
        m.put("cache", cache.toString());
        m.put("seed", seed);
        m.put("threads", threads);
        m.put("ablations", ablations);
        return m;
    }
}
