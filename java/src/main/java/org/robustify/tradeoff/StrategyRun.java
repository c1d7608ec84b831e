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

/**
 * Fine-tunes one strategy from the pre-trained backbone with a fresh 10-class head: AdamW at the strategy's rate
 * and weight decay, cosine schedule (warm-up for all but full fine-tuning), evaluating at the settings' steps.
 */
final class StrategyRun {
    private StrategyRun() {}

    static Map<String, Object> run(Strategy strategy, TradeoffSettings s, ImageClassifier pretrained,
            ImageDataset train, Evaluator evaluator) {
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
        System.err.printf(Locale.ROOT, "%s: %d trainable of %d parameters (%.3f%%), lr %.1e, %d steps%n",
                strategy.label(), report.trainable(), report.total(), 100 * report.trainableFraction(), lr,
                s.steps());
        List<Integer> at = s.evalSteps();
        List<TradeoffPoint> points = new ArrayList<>();
        double[] evalSeconds = {0};
        double trainSeconds = TrainLoop.run(model, opt, schedule, train, s.batchSize(), s.steps(),
                s.seed() + 3, step -> {
                    if (at.contains((int) step)) {
                        long t = System.nanoTime();
                        TradeoffPoint p = evaluator.evaluate(model, step);
                        points.add(p);
                        evalSeconds[0] += (System.nanoTime() - t) / 1e9;
                        System.err.printf(Locale.ROOT, "%s step %d: clean %.4f, pgd %.4f, corruptions %.4f%n",
                                strategy.label(), step, p.clean(), p.robust(), p.corruption());
                    }
                });
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("strategy", strategy.label());
        r.put("parameters", report.asMap());
        r.put("optimizer", Map.of("kind", "adamw", "lr", lr, "weight_decay", s.weightDecay(strategy)));
        r.put("schedule", schedule.describe(s.steps()));
        r.put("points", points.stream().map(TradeoffPoint::asMap).toList());
        r.put("train_seconds", trainSeconds);
        r.put("eval_seconds", evalSeconds[0]);
        r.put("seconds", (System.nanoTime() - start) / 1e9);
        return r;
    }
}
