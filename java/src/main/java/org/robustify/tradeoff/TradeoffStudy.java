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
 *   <li>{@code tradeoff.json}: settings, pre-training, and per strategy its parameters, points, frontier, area
 *       and % above average;</li>
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

    private final TradeoffSettings settings;
    private final Path out;
    private final Path cache;
    private final Path dataDir;
    private final Path pretrained;
    private final int threads;

    public TradeoffStudy(TradeoffSettings settings, Path out, Path cache, Path dataDir, Path pretrained,
            int threads) {
        this.settings = settings;
        this.out = out;
        this.cache = cache;
        this.dataDir = dataDir;
        this.pretrained = pretrained;
        this.threads = threads;
    }

    public Map<String, Object> run() {
        long start = System.nanoTime();
        NativeRuntime.init(threads);
        InputSpec target = new InputSpec(1, 28, 28, FashionMnist.CLASSES.size());
        checkSupported(target);
        TradeoffData data = TradeoffData.load(dataDir,
                Math.max(settings.evalImages(), settings.corruptionImages()));
        Map<String, Object> dataInfo = new LinkedHashMap<>();
        dataInfo.put("dataset", "fashion-mnist");
        dataInfo.put("dir", FashionMnist.resolveDir(dataDir).toAbsolutePath().toString());
        dataInfo.put("pretrain_images", data.pretrain().size());
        dataInfo.put("finetune_images", data.finetune().size());
        dataInfo.put("test_images", data.test().size());
        Map<String, Object> manifest = Provenance.manifest("tradeoff", settings.asMap(), settings.seed(), dataInfo);
        manifest.put("status", "running");
        Provenance.write(out.resolve(MANIFEST), manifest);

        Pretrained.Source source = pretrained != null
                ? Pretrained.given(settings, pretrained, target)
                : Pretrained.cached(settings, cache, data.pretrain());
        Map<String, Object> key = settings.perStrategyKey();
        key.put("pretrained", source.description().get("file"));
        Evaluator evaluator = new Evaluator(settings, data.test());
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
                        + ": lora, adapter, compacter and ia3 need a ViT; full, linear and bitfit work on ViTs and "
                        + "ResNets");
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
            return StrategyOutcome.of(done);
        }
        Map<String, Object> r = StrategyRun.run(s, settings, backbone, data.finetune(), evaluator);
        r.put("key", key);
        AtomicFiles.writeString(file, Json.pretty(r) + "\n");
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
