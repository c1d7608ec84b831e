package org.robustify.train;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustify.data.Batch;
import org.robustify.data.BatchPreparer;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelZoo;
import org.robustify.model.Parameters;
import org.robustify.model.freeze.FreezeReport;
import org.robustify.model.freeze.FreezeSpec;
import org.robustify.runtime.Profiling;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.augment.Augmenter;
import org.robustify.train.augment.BatchViews;

/**
 * Supervised training of a zoo model: plain cross-entropy ({@code train}), or with an augmentation ({@code teacher},
 * {@code finetune}). With an augmentation and a consistency weight λ > 0 each step follows AugMix's recipe: the clean
 * batch and two augmented views go through the model together (one batch of 3N, so BatchNorm sees all three), and
 * the loss is CE(clean) + λ·JS(clean, view 1, view 2). With λ = 0 the model trains on one augmented view only.
 *
 * <p>{@code init} (a run folder or weights file) starts from trained weights, e.g. the pre-trained student for
 * complete fine-tuning; {@code tune} (a {@link FreezeSpec}, or null for all parameters) chooses what trains.
 */
public final class SupervisedJob implements TrainingJob {
    /** Settings beyond {@link TrainConfig}. */
    public record Options(String command, Augmenter augmenter, double consistencyWeight, Path init, String tune) {
        public Options {
            if (consistencyWeight < 0) {
                throw new RobustifyException("--jsd-weight must be >= 0; got " + consistencyWeight);
            }
            if (consistencyWeight > 0 && augmenter == null) {
                throw new RobustifyException("--jsd-weight needs an augmentation (--augment augmix|pixmix|...)");
            }
        }

        public static Options plain() {
            return new Options("train", null, 0, null, null);
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("augment", augmenter == null ? Map.of("kind", "none") : augmenter.describe());
            m.put("jsd_weight", consistencyWeight);
            m.put("init", init == null ? null : init.toString());
            m.put("tune", tune == null ? "all" : tune);
            return m;
        }
    }

    public static TrainingJob.Factory factory(Options options) {
        return new TrainingJob.Factory() {
            @Override
            public String command() {
                return options.command();
            }

            @Override
            public Map<String, Object> options() {
                return options.asMap();
            }

            @Override
            public void validate() {
                if (options.init() != null) {
                    RunModel.read(options.init());
                }
                if (options.tune() != null) {
                    FreezeSpec.parse(options.tune());
                }
            }

            @Override
            public TrainingJob create(TrainConfig config, ImageDataset train, ImageDataset heldOut) {
                return new SupervisedJob(config, options, train);
            }
        };
    }

    private final Options options;
    private final ImageClassifier model;
    private final AdamOptimizer optimizer;
    private final Map<String, Object> description = new LinkedHashMap<>();
    private final float[] mean = FashionMnist.MEAN;
    private final float[] std = FashionMnist.STD;

    private SupervisedJob(TrainConfig config, Options options, ImageDataset train) {
        this.options = options;
        InputSpec spec = new InputSpec(train.channels(), train.height(), train.width(), train.numClasses());
        if (options.init() != null) {
            RunModel init = RunModel.read(options.init());
            if (!init.architecture().equals(config.model())) {
                throw new RobustifyException("--init " + options.init() + " holds a " + init.architecture()
                        + " but --model is " + config.model());
            }
            this.model = init.build(spec);
            description.put("init", init.describe());
        } else {
            this.model = ModelZoo.create(config.model(), spec, config.modelOptions());
        }
        List<String> frozen = Parameters.freeze(model.module(), config.freeze());
        if (options.tune() != null) {
            FreezeReport report = FreezeSpec.parse(options.tune()).apply(model);
            description.put("tune", report.asMap());
        }
        this.optimizer = AdamOptimizer.forTrainable(model.module(), AdamOptimizer.Kind.parse(config.optimizer()),
                config.learningRate(), config.weightDecay());
        description.put("parameters", Map.of("trainable", Parameters.count(model.module(), true), "total",
                Parameters.count(model.module(), false), "frozen_by_glob", frozen));
    }

    @Override
    public BatchPreparer preparer(int epoch) {
        if (options.augmenter() == null) {
            return null;
        }
        return BatchViews.preparer(options.augmenter(), epoch, options.consistencyWeight() == 0 ? 1 : 2);
    }

    @Override
    public StepOutcome step(Batch batch, int epoch, long globalStep) {
        try (var range = Profiling.range("train/step")) {
            BatchViews views = new BatchViews(batch, mean, std);
            Tensor y = views.labels();
            optimizer.zeroGrad();
            Tensor loss;
            Tensor scored; // logits whose accuracy the progress line reports
            if (options.augmenter() == null) {
                scored = model.forward(views.clean());
                loss = cross_entropy(scored, y);
            } else if (options.consistencyWeight() == 0) {
                scored = model.forward(views.augmented(options.augmenter(), epoch, 0));
                loss = cross_entropy(scored, y);
            } else {
                TensorVector all = new TensorVector(views.clean(), views.augmented(options.augmenter(), epoch, 0),
                        views.augmented(options.augmenter(), epoch, 1));
                Tensor logits = model.forward(torch.cat(all));
                long n = batch.size();
                scored = logits.narrow(0, 0, n);
                Tensor jsd = JsdLoss.of(scored, logits.narrow(0, n, n), logits.narrow(0, 2 * n, n));
                loss = cross_entropy(scored, y).add(jsd.mul(new org.bytedeco.pytorch.Scalar(
                        options.consistencyWeight())));
            }
            loss.backward();
            optimizer.step();
            long correct = scored.argmax(new LongOptional(1), false).eq(y).sum().item_long();
            return new StepOutcome(loss.item_float(), correct, batch.size());
        }
    }

    @Override
    public Module module() {
        return model.module();
    }

    @Override
    public ImageClassifier evaluated() {
        return model;
    }

    @Override
    public AdamOptimizer optimizer() {
        return optimizer;
    }

    @Override
    public String architecture() {
        return model.architecture();
    }

    @Override
    public Map<String, Object> describe() {
        return description;
    }
}
