package org.robustify.tradeoff;

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
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelZoo;
import org.robustify.peft.Strategy;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.Provenance;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;

/**
 * The trade-off study (spec: tradeoff.md) on Fashion-MNIST: one pre-trained backbone (see {@link Pretrained} and
 * {@link TradeoffData}), each strategy fine-tuned from it with clean, PGD and corruption accuracy logged along the
 * way, then Pareto frontiers, areas and scores. Output folder:
 * <ul>
 *   <li>{@code strategies/NAME.json}: one finished strategy (written when it finishes; a rerun with the same
 *       settings reuses it, so an interrupted study continues where it stopped);</li>
 *   <li>{@code strategies/NAME.partial/}: the checkpoints of the strategy in progress (see
 *       {@link StrategyCheckpoints}); a rerun continues from the latest, with the same results as an uninterrupted
 *       run, and the folder goes once NAME.json is written;</li>
 *   <li>{@code tradeoff.json}: settings, pre-training, and per strategy its parameters, points, frontier, area,
 *       % above average and the point that is best on the validation hold-out;</li>
 *   <li>{@code tradeoff.md}, {@code tradeoff.png} (frontiers), {@code tradeoff_points.png} (all points);</li>
 *   <li>{@code manifest.json}: provenance.</li>
 * </ul>
 */
public final class TradeoffStudy {
    public static final String JSON = "tradeoff.json";
    public static final String MARKDOWN = "tradeoff.md";
    public static final String PLOT = "tradeoff.png";
    public static final String POINTS_PLOT = "tradeoff_points.png";
    public static final String MANIFEST = "manifest.json";
    public static final String STRATEGIES = "strategies";
    public static final String PARTIAL = ".partial";

    /** Thrown by the stop-after-steps hook: the study stopped as if killed; rerunning it continues. */
    public static final class Stopped extends RobustifyException {
        Stopped(String strategy, long step) {
            super("stopped after step " + step + " of " + strategy + " as asked (--stop-after-steps); rerun without "
                    + "it to continue from the latest checkpoint");
        }
    }

    private final TradeoffSettings settings;
    private final Path out;
    private final Path cache;
    private final Path dataDir;
    private final Path pretrained;
    private final int threads;
    private int checkpointEvery;
    private long stopAfter;

    public TradeoffStudy(TradeoffSettings settings, Path out, Path cache, Path dataDir, Path pretrained,
            int threads) {
        this.settings = settings;
        this.out = out;
        this.cache = cache;
        this.dataDir = dataDir;
        this.pretrained = pretrained;
        this.threads = threads;
    }

    /** Also checkpoint every {@code steps} steps inside a strategy (default 0: after each logged point only). */
    public TradeoffStudy checkpointEvery(int steps) {
        if (steps < 0) {
            throw new RobustifyException("--checkpoint-every must be >= 0 (0: after each evaluation only); got "
                    + steps);
        }
        this.checkpointEvery = steps;
        return this;
    }

    /**
     * Test and operations hook: stop, as if killed, right after update {@code step} of the first strategy this run
     * trains that gets that far (before that step's evaluation or checkpoint); 0: never.
     */
    public TradeoffStudy stopAfterSteps(long step) {
        this.stopAfter = step;
        return this;
    }

    public Map<String, Object> run() {
        long start = System.nanoTime();
        NativeRuntime.init(threads);
        InputSpec target = new InputSpec(1, 28, 28, FashionMnist.CLASSES.size());
        checkSupported(target);
        TradeoffData data = TradeoffData.load(dataDir,
                Math.max(settings.evalImages(), settings.corruptionImages()), settings.valFraction(),
                settings.seed());
        Map<String, Object> dataInfo = new LinkedHashMap<>();
        dataInfo.put("dataset", "fashion-mnist");
        dataInfo.put("dir", FashionMnist.resolveDir(dataDir).toAbsolutePath().toString());
        dataInfo.put("pretrain_images", data.pretrain().size());
        dataInfo.put("finetune_images", data.finetune().size());
        dataInfo.put("validation_images", data.validation().size());
        dataInfo.put("validation_split", "a seeded random " + settings.valFraction() + " of the fine-tuning half, "
                + "never trained on; clean accuracy on its first " + (settings.valImages() == 0 ? "all"
                : String.valueOf(Math.min(settings.valImages(), data.validation().size()))) + " at each point");
        dataInfo.put("test_images", data.test().size());
        Map<String, Object> manifest = Provenance.manifest("tradeoff", settings.asMap(), settings.seed(), dataInfo);
        manifest.put("status", "running");
        Provenance.write(out.resolve(MANIFEST), manifest);

        Pretrained.Source source = pretrained != null
                ? Pretrained.given(settings, pretrained, target)
                : Pretrained.cached(settings, cache, data.pretrain());
        Map<String, Object> key = settings.perStrategyKey();
        key.put("pretrained", source.description().get("file"));
        Evaluator evaluator = new Evaluator(settings, data.test(), data.validation());
        List<StrategyOutcome> outcomes = new ArrayList<>();
        for (Strategy s : settings.strategies()) {
            outcomes.add(strategy(s, key, source.model(), data, evaluator));
        }

        Map<String, Double> areas = new LinkedHashMap<>();
        for (StrategyOutcome o : outcomes) {
            areas.put(o.strategy(), o.area());
        }
        Map<String, Double> scores = Pareto.scores(areas);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("settings", settings.asMap());
        result.put("pretrained", source.description());
        result.put("data", dataInfo);
        result.put("best_on_validation_rule", "the logged point with the highest validation clean accuracy (the "
                + "earliest on ties); its test numbers are what a user choosing by validation would get");
        result.put("area_definition", "integral over clean accuracy in [0, 1] of the Pareto frontier's step "
                + "function f(c) = max robust accuracy among frontier points with clean accuracy >= c");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (StrategyOutcome o : outcomes) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("strategy", o.strategy());
            r.put("trainable_parameters", o.trainable());
            r.put("total_parameters", o.total());
            r.put("trainable_percent", 100.0 * o.trainable() / o.total());
            r.put("points", o.raw().path("points"));
            r.put("frontier", o.frontier().stream().map(TradeoffPoint::asMap).toList());
            r.put("area", o.area());
            r.put("score", scores.get(o.strategy()));
            r.put("percent_above_average", 100 * scores.get(o.strategy()));
            TradeoffPoint best = o.bestOnValidation();
            r.put("best_on_validation", best == null ? null : best.asMap());
            r.put("seconds", o.raw().path("seconds").asDouble());
            rows.add(r);
        }
        result.put("strategies", rows);
        result.put("study_seconds", seconds);
        AtomicFiles.writeString(out.resolve(JSON), Json.pretty(result) + "\n");
        AtomicFiles.writeString(out.resolve(MARKDOWN), TradeoffReport.markdown(settings, outcomes, scores, seconds));
        TradeoffReport.frontiers(out.resolve(PLOT), outcomes);
        TradeoffReport.points(out.resolve(POINTS_PLOT), outcomes);
        manifest.put("pretrained", source.description());
        manifest.put("status", "completed");
        manifest.put("result", Map.of("areas", areas, "scores", scores, "seconds", seconds));
        Provenance.write(out.resolve(MANIFEST), manifest);
        return result;
    }

    /** Fails before any data or training on a strategy the model cannot take. */
    private void checkSupported(InputSpec spec) {
        ImageClassifier probe = ModelZoo.create(settings.model(), spec, Pretrained.options(settings));
        for (Strategy s : settings.strategies()) {
            if (!s.supports(probe)) {
                throw new RobustifyException("strategy '" + s.label() + "' does not support " + settings.model()
                        + ": the strategies need a ViT (vit_tiny, vit_small, vit_base) or a ResNet (resnet18, "
                        + "resnet34, resnet50)");
            }
        }
    }

    private StrategyOutcome strategy(Strategy s, Map<String, Object> key, ImageClassifier backbone,
            TradeoffData data, Evaluator evaluator) {
        Path file = out.resolve(STRATEGIES).resolve(s.label() + ".json");
        JsonNode keyJson = parse(Json.line(key)); // through text, as the saved one: 0L and 0 then compare equal
        if (Files.isRegularFile(file)) {
            JsonNode done = read(file);
            if (!done.path("key").equals(keyJson)) {
                throw new RobustifyException(file + " was computed with other settings (" + done.path("key")
                        + "); use another --out, or delete that file to recompute it");
            }
            System.err.printf(Locale.ROOT, "%s: reusing %s%n", s.label(), file);
            // Checkpoints a crash left between writing the result and removing them are no longer needed.
            new StrategyCheckpoints(out.resolve(STRATEGIES).resolve(s.label() + PARTIAL), keyJson, 0, Map.of())
                    .delete();
            return StrategyOutcome.of(done);
        }
        StrategyCheckpoints checkpoints = new StrategyCheckpoints(out.resolve(STRATEGIES).resolve(s.label() + PARTIAL),
                keyJson, checkpointEvery, Provenance.manifest("tradeoff", settings.asMap(), settings.seed(),
                        Map.of("strategy", s.label())));
        Map<String, Object> r = StrategyRun.run(s, settings, backbone, data.finetune(), evaluator, checkpoints,
                stopAfter);
        r.put("key", key);
        AtomicFiles.writeString(file, Json.pretty(r) + "\n");
        checkpoints.delete();
        return StrategyOutcome.of(read(file));
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
