package org.robustify.tradeoff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.pytorch.global.torch;
import org.robustify.data.ImageDataset;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelZoo;
import org.robustify.model.vit.VisionTransformer;
import org.robustify.peft.PeftReport;
import org.robustify.peft.Strategy;
import org.robustify.train.AdamOptimizer;
import org.robustify.train.LrSchedule;
import org.robustify.train.TrainingState;

/**
 * Fine-tunes one strategy from the pre-trained backbone with a fresh 10-class head: AdamW at the strategy's rate
 * and weight decay, cosine schedule (warm-up for all but full fine-tuning), evaluating at the settings' steps. With
 * checkpoints it continues an interrupted run exactly: the model is built as before (same seeds), then weights,
 * moments, RNG state, data position and the points so far are restored.
 */
final class StrategyRun {
    private StrategyRun() {}

    /**
     * @param checkpoints where to save and resume from (null: no checkpoints)
     * @param stopAfter   test hook: stop, as if killed, right after this step's update (before its evaluation and
     *                    checkpoint), by throwing {@link TradeoffStudy.Stopped}; 0 or less: never
     */
    static Map<String, Object> run(Strategy strategy, TradeoffSettings s, ImageClassifier pretrained,
            ImageDataset train, Evaluator evaluator, StrategyCheckpoints checkpoints, long stopAfter) {
        long start = System.nanoTime();
        InputSpec spec = new InputSpec(train.channels(), train.height(), train.width(), train.numClasses());
        torch.manual_seed(s.seed() + 1); // the same fresh head for every strategy
        ImageClassifier model = ModelZoo.create(s.model(), spec, Pretrained.options(s));
        Pretrained.copyBackbone(pretrained, model, model instanceof VisionTransformer ? "head." : "fc.");
        torch.manual_seed(s.seed() + 2);
        PeftReport report = strategy.apply(model);
        double lr = s.lr(strategy);
        int warmup = s.resolvedWarmup(strategy);
        AdamOptimizer opt = AdamOptimizer.forTrainable(model.module(), AdamOptimizer.Kind.ADAMW, lr,
                s.weightDecay(strategy));
        LrSchedule schedule = new LrSchedule(LrSchedule.COSINE, lr, warmup, s.steps());
        StrategyCheckpoints.Resumed resumed = checkpoints == null ? null
                : checkpoints.restore(model, opt, strategy.label());
        List<TradeoffPoint> points = new ArrayList<>(resumed == null ? List.of() : resumed.points());
        List<Long> resumedAt = new ArrayList<>(resumed == null ? List.of() : resumed.resumedAt());
        TrainingState from = resumed == null ? TrainingState.start() : resumed.state();
        if (resumed != null) {
            resumedAt.add(from.globalStep());
            System.err.printf(Locale.ROOT, "%s: resuming at step %d of %d from %s%n", strategy.label(),
                    from.globalStep(), s.steps(), checkpoints.dir());
        }
        System.err.printf(Locale.ROOT, "%s: %d trainable of %d parameters (%.3f%%), lr %.1e, %d steps%n",
                strategy.label(), report.trainable(), report.total(), 100 * report.trainableFraction(), lr,
                s.steps());
        List<Integer> at = s.evalSteps();
        int perEpoch = train.size() / s.batchSize();
        double[] evalSeconds = {resumed == null ? 0 : resumed.evalSeconds()};
        // The training loss since the last logged point: part of the checkpoint, so a resumed point is unchanged.
        double[] lossSum = {from.lossSum()};
        long[] seen = {from.seen()};
        double trainSeconds = TrainLoop.run(model, opt, schedule, train, s.batchSize(), s.steps(), s.seed() + 3,
                from.globalStep(), from.trainSeconds(), (step, loss, seconds) -> {
                    lossSum[0] += loss;
                    seen[0]++;
                    if (step == stopAfter) {
                        throw new TradeoffStudy.Stopped(strategy.label(), step);
                    }
                    boolean logged = at.contains((int) step);
                    if (logged) {
                        long t = System.nanoTime();
                        TradeoffPoint p = evaluator.evaluate(model, step, lossSum[0] / seen[0]);
                        points.add(p);
                        lossSum[0] = 0;
                        seen[0] = 0;
                        evalSeconds[0] += (System.nanoTime() - t) / 1e9;
                        System.err.printf(Locale.ROOT, "%s step %d: clean %.4f, pgd %.4f, corruptions %.4f, "
                                + "validation %.4f%n", strategy.label(), step, p.clean(), p.robust(), p.corruption(),
                                p.validation());
                    }
                    if (checkpoints != null && step < s.steps() && checkpoints.due(step, logged)) {
                        TrainingState state = new TrainingState(step, (int) (step / perEpoch),
                                (int) (step % perEpoch), lossSum[0], 0, seen[0], seconds);
                        checkpoints.save(state, model, opt, strategy.label(), points, evalSeconds[0], resumedAt);
                    }
                });
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("strategy", strategy.label());
        r.put("parameters", report.asMap());
        r.put("optimizer", Map.of("kind", "adamw", "lr", lr, "weight_decay", s.weightDecay(strategy)));
        r.put("schedule", schedule.describe(s.steps()));
        r.put("points", points.stream().map(TradeoffPoint::asMap).toList());
        r.put("resumed_at_steps", resumedAt);
        r.put("train_seconds", trainSeconds);
        r.put("eval_seconds", evalSeconds[0]);
        r.put("seconds", (System.nanoTime() - start) / 1e9);
        return r;
    }
}
