package org.robustify.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.robustify.peft.Strategy;
import org.robustify.runtime.RobustifyException;
import org.robustify.tradeoff.TradeoffSettings;
import org.robustify.tradeoff.TradeoffStudy;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tradeoff", mixinStandardHelpOptions = true,
        description = "Robustness-accuracy trade-off of fine-tuning strategies (full, linear, bitfit, lora, adapter, "
                + "compacter, ia3) on Fashion-MNIST: pre-train a small ViT on classes 0-4 of half the training split "
                + "(cached), fine-tune it on the 10-class task with each strategy, log clean, PGD and corruption "
                + "accuracy densely early on, then Pareto frontiers, their areas and %% above average. Writes "
                + "tradeoff.json, tradeoff.md, tradeoff.png, tradeoff_points.png, strategies/NAME.json and "
                + "manifest.json. Rerun the same command to continue an interrupted study: finished strategies are "
                + "reused and the one in progress continues from its latest checkpoint (strategies/NAME.partial), "
                + "with the same results as an uninterrupted run.")
final class TradeoffCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Depth 2, 250 pre-training steps, 120 fine-tuning steps of batch 32, "
            + "5 evaluations on 100 images (corruptions: 48; validation: 250): all seven strategies in under 15 minutes "
            + "on 2 cores.")
    boolean quick;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR", description = "Where the pre-trained model is kept for later runs "
            + "(default: $XDG_CACHE_HOME/robustify or ~/.cache/robustify).")
    Path cache;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST folder (default: the installed one).")
    Path data;

    @Option(names = "--pretrained", paramLabel = "RUN", description = "Start from this run folder (or model.pt) of "
            + "`robustify train` with the same --model, --depth and --patch-size instead of pre-training here.")
    Path pretrained;

    @Option(names = "--model", description = "vit_tiny|vit_small|vit_base or resnet18|34|50 (all strategies). "
            + "Default vit_tiny.")
    String model;

    @Option(names = "--depth", description = "ViT depth (default 4; --quick 2).")
    Integer depth;

    @Option(names = "--patch-size", description = "ViT patch size (default 4).")
    Integer patchSize;

    @Option(names = "--strategies", split = ",", description = "Subset and order (default all seven).")
    List<String> strategies;

    @Option(names = "--steps", description = "Fine-tuning steps per strategy (default 600; --quick 120).")
    Integer steps;

    @Option(names = "--batch-size", description = "Default 128; --quick 32.")
    Integer batchSize;

    @Option(names = "--eval-every-dense", description = "Evaluate every N steps early on (default 50; --quick 20).")
    Integer evalEveryDense;

    @Option(names = "--dense-until", description = "... up to this step (default 300; --quick 60).")
    Integer denseUntil;

    @Option(names = "--eval-every", description = "Then every N steps (default 100; --quick 30).")
    Integer evalEvery;

    @Option(names = "--pgd-eps", description = "L-inf radius in [0,1] pixels, a number or a fraction like 1/255 "
            + "(default 1/255).")
    String pgdEps;

    @Option(names = "--pgd-step", description = "PGD step (default 0.25/255).")
    String pgdStep;

    @Option(names = "--pgd-steps", description = "PGD iterations (default 15).")
    Integer pgdSteps;

    @Option(names = "--eval-images", description = "Test images for clean and PGD accuracy (default 500; --quick "
            + "100).")
    Integer evalImages;

    @Option(names = "--corruption-images", description = "Test images for the corruption suite (15 corruptions at "
            + "severity 3) at each evaluation; 0 turns it off (default 200; --quick 48).")
    Integer corruptionImages;

    @Option(names = "--pretrain-steps", description = "Pre-training steps (default 1500; --quick 250).")
    Integer pretrainSteps;

    @Option(names = "--warmup-steps", description = "Cosine warm-up of every strategy but full (default min(800, "
            + "steps/10)).")
    Integer warmupSteps;

    @Option(names = "--val-fraction", description = "Fraction of the fine-tuning split held out for validation, never "
            + "trained on; its clean accuracy is logged at each point and picks each strategy's best point "
            + "(default 0.1, the spec's; 0: no hold-out).")
    Double valFraction;

    @Option(names = "--val-images", description = "Held-out images evaluated at each point (0: all; default 1000; "
            + "--quick 250).")
    Integer valImages;

    @Option(names = "--checkpoint-every", defaultValue = "0", description = "Also checkpoint every N steps inside a "
            + "strategy (0: after each evaluation only). Does not change the results.")
    int checkpointEvery;

    @Option(names = "--stop-after-steps", hidden = true, defaultValue = "0", description = "Testing: stop as if "
            + "killed right after this update of the strategy in progress.")
    long stopAfterSteps;

    @Option(names = "--seed", defaultValue = "0", description = "Seeds pre-training, heads, injected modules, data "
            + "order and the attack.")
    long seed;

    @Mixin
    ThreadsOption threads;

    @Override
    public Integer call() {
        List<Strategy> chosen = new ArrayList<>();
        if (strategies == null || strategies.isEmpty()) {
            chosen.addAll(List.of(Strategy.values()));
        } else {
            for (String s : strategies) {
                chosen.add(Strategy.parse(s));
            }
        }
        TradeoffSettings d = quick ? TradeoffSettings.quick(chosen) : TradeoffSettings.standard(chosen);
        TradeoffSettings s = new TradeoffSettings(or(model, d.model()), or(depth, d.depth()),
                or(patchSize, d.patchSize()), chosen, or(steps, d.steps()), or(batchSize, d.batchSize()),
                or(evalEveryDense, d.evalEveryDense()), or(denseUntil, d.denseUntil()), or(evalEvery, d.evalEvery()),
                pgdEps == null ? d.pgdEpsilon() : fraction("--pgd-eps", pgdEps),
                pgdStep == null ? d.pgdStep() : fraction("--pgd-step", pgdStep), or(pgdSteps, d.pgdSteps()),
                or(evalImages, d.evalImages()), or(corruptionImages, d.corruptionImages()), d.corruptionSeverity(),
                or(pretrainSteps, d.pretrainSteps()), or(warmupSteps, d.warmupSteps()), d.fullLr(),
                d.fullWeightDecay(), d.peftLr(), d.peftWeightDecay(), seed, or(valFraction, d.valFraction()),
                or(valImages, d.valImages()));
        long start = System.nanoTime();
        Map<String, Object> r = new TradeoffStudy(s, out, cache != null ? cache : defaultCache(), data,
                pretrained, threads.resolve()).checkpointEvery(checkpointEvery).stopAfterSteps(stopAfterSteps)
                .run();
        System.out.printf(Locale.ROOT, "tradeoff%s done in %.0f s: see %s, %s and %s in %s%n", quick ? " (quick)" : "",
                (System.nanoTime() - start) / 1e9, TradeoffStudy.MARKDOWN, TradeoffStudy.JSON, TradeoffStudy.PLOT,
                out);
        for (Object row : (List<?>) r.get("strategies")) {
            Map<?, ?> m = (Map<?, ?>) row;
            System.out.printf(Locale.ROOT, "  %-10s area %.4f  %+.1f%% above average%s%n", m.get("strategy"),
                    ((Number) m.get("area")).doubleValue(), ((Number) m.get("percent_above_average")).doubleValue(),
                    m.get("best_on_validation") instanceof Map<?, ?> b ? String.format(Locale.ROOT, "  best on "
                            + "validation: step %s (validation %.4f, test clean %.4f, PGD %.4f)", b.get("step"),
                            ((Number) b.get("validation")).doubleValue(), ((Number) b.get("clean")).doubleValue(),
                            ((Number) b.get("robust")).doubleValue()) : "");
        }
        return 0;
    }

    /** As the demo's: the pre-trained model is shared between runs. */
    private static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("robustify");
    }

    private static <T> T or(T given, T fallback) {
        return given != null ? given : fallback;
    }

    /** "0.004", "1/255" or "0.25/255". */
    static double fraction(String option, String text) {
        try {
            int slash = text.indexOf('/');
            if (slash < 0) {
                return Double.parseDouble(text.trim());
            }
            return Double.parseDouble(text.substring(0, slash).trim())
                    / Double.parseDouble(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new RobustifyException(option + " must be a number or a fraction like 1/255; got '" + text + "'");
        }
    }
}
