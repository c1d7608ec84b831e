package org.robustify.tradeoff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.robustify.peft.Strategy;
import org.robustify.runtime.RobustifyException;

/**
 * Everything that determines a trade-off study's numbers. Evaluation happens after every {@code evalEveryDense}
 * steps up to {@code denseUntil}, then every {@code evalEvery} steps, and always after the last step.
 *
 * @param warmupSteps cosine warm-up of every strategy but full fine-tuning (which has none, as in the spec); -1:
 *                    min(800, steps / 10), the spec's 800 scaled to short runs
 * @param corruptionImages test images of the corruption suite at each evaluation (15 corruptions, severity
 *                    {@code corruptionSeverity}); 0: no OOD evaluation
 * @param valFraction fraction of the fine-tuning split held out for validation (spec: 10%), never trained on; 0:
 *                    no hold-out (and no validation accuracy)
 * @param valImages   held-out images whose clean accuracy is logged at each evaluation (0: all of them)
 */
public record TradeoffSettings(String model, int depth, int patchSize, List<Strategy> strategies, int steps,
        int batchSize, int evalEveryDense, int denseUntil, int evalEvery, double pgdEpsilon, double pgdStep,
        int pgdSteps, int evalImages, int corruptionImages, int corruptionSeverity, int pretrainSteps,
        int warmupSteps, double fullLr, double fullWeightDecay, double peftLr, double peftWeightDecay, long seed,
        double valFraction, int valImages) {

    public TradeoffSettings {
        strategies = List.copyOf(strategies);
        if (strategies.isEmpty() || strategies.stream().distinct().count() != strategies.size()) {
            throw new RobustifyException("--strategies must name distinct strategies; got " + strategies);
        }
        positive("--steps", steps);
        positive("--batch-size", batchSize);
        positive("--eval-every-dense", evalEveryDense);
        positive("--eval-every", evalEvery);
        positive("--pgd-steps", pgdSteps);
        positive("--eval-images", evalImages);
        positive("--pretrain-steps", pretrainSteps);
        if (denseUntil < 0 || corruptionImages < 0) {
            throw new RobustifyException("--dense-until and --corruption-images must be >= 0");
        }
        if (!(pgdEpsilon > 0) || !(pgdStep > 0)) {
            throw new RobustifyException("--pgd-eps and --pgd-step must be > 0; got " + pgdEpsilon + ", " + pgdStep);
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new RobustifyException("--val-fraction must lie in [0, 1) (0: no validation hold-out); got "
                    + valFraction);
        }
        if (valImages < 0) {
            throw new RobustifyException("--val-images must be >= 0 (0: the whole hold-out); got " + valImages);
        }
        if (warmupSteps < -1 || warmupSteps >= steps) {
            throw new RobustifyException("--warmup-steps must lie in 0.." + (steps - 1) + " (or -1 for the default); "
                    + "got " + warmupSteps);
        }
    }

    /** The spec's protocol on the embedded default, scaled to a few minutes per strategy on 2 cores. */
    public static TradeoffSettings standard(List<Strategy> strategies) {
        return new TradeoffSettings("vit_tiny", 4, 4, strategies, 600, 128, 50, 300, 100, 1 / 255.0, 0.25 / 255,
                15, 500, 200, 3, 1500, -1, 2e-5, 0.01, 5e-3, 0, 0, 0.1, 1000);
    }

    /** --quick: all seven strategies in under 15 minutes on 2 cores. */
    public static TradeoffSettings quick(List<Strategy> strategies) {
        return new TradeoffSettings("vit_tiny", 2, 4, strategies, 120, 32, 20, 60, 30, 1 / 255.0, 0.25 / 255,
                15, 100, 48, 3, 250, -1, 2e-5, 0.01, 5e-3, 0, 0, 0.1, 250);
    }

    public int resolvedWarmup(Strategy s) {
        if (s == Strategy.FULL) {
            return 0;
        }
        return warmupSteps >= 0 ? warmupSteps : Math.min(800, steps / 10);
    }

    public double lr(Strategy s) {
        return s == Strategy.FULL ? fullLr : peftLr;
    }

    public double weightDecay(Strategy s) {
        return s == Strategy.FULL ? fullWeightDecay : peftWeightDecay;
    }

    /** Steps after which the model is evaluated (ascending, ending with {@code steps}). */
    public List<Integer> evalSteps() {
        List<Integer> out = new ArrayList<>();
        for (int s = evalEveryDense; s <= Math.min(denseUntil, steps); s += evalEveryDense) {
            out.add(s);
        }
        int last = out.isEmpty() ? 0 : out.get(out.size() - 1);
        for (int s = last + evalEvery; s <= steps; s += evalEvery) {
            out.add(s);
        }
        if (out.isEmpty() || out.get(out.size() - 1) != steps) {
            out.add(steps);
        }
        return out;
    }

    /** What a finished strategy's result must match to be reused (the strategy list may change). */
    public Map<String, Object> perStrategyKey() {
        Map<String, Object> m = asMap();
        m.remove("strategies");
        return m;
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("depth", depth);
        m.put("patch_size", patchSize);
        m.put("strategies", strategies.stream().map(Strategy::label).toList());
        m.put("steps", steps);
        m.put("batch_size", batchSize);
        m.put("eval_every_dense", evalEveryDense);
        m.put("dense_until", denseUntil);
        m.put("eval_every", evalEvery);
        m.put("pgd", Map.of("norm", "linf", "epsilon", pgdEpsilon, "step", pgdStep, "steps", pgdSteps,
                "random_start", true));
        m.put("eval_images", evalImages);
        m.put("corruption_images", corruptionImages);
        m.put("corruption_severity", corruptionSeverity);
        m.put("pretrain_steps", pretrainSteps);
        m.put("warmup_steps", warmupSteps);
        m.put("full_lr", fullLr);
        m.put("full_weight_decay", fullWeightDecay);
        m.put("peft_lr", peftLr);
        m.put("peft_weight_decay", peftWeightDecay);
        m.put("seed", seed);
        m.put("val_fraction", valFraction);
        m.put("val_images", valImages);
        return m;
    }

    private static void positive(String name, int v) {
        if (v <= 0) {
            throw new RobustifyException(name + " must be > 0; got " + v);
        }
    }
}
