package org.robustify.train;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.ImageClassifier;
import org.robustify.model.Parameters;
import org.robustify.runtime.Profiling;
import org.robustify.runtime.RobustifyException;

/**
 * One supervised optimisation step (cross-entropy, Adam) over the model's trainable parameters. The caller wraps
 * each call in a PointerScope: libtorch memory is invisible to the JVM's GC, so without one every step's autograd
 * graph would stay alive.
 */
public final class TrainStep {
    public record Outcome(float loss, long correct) {}

    private final ImageClassifier model;
    private final Adam optimizer; // a field: the optimiser owns state libtorch keeps pointers into

    public TrainStep(ImageClassifier model, double learningRate, double weightDecay) {
        if (!(learningRate > 0)) {
            throw new RobustifyException("--lr must be > 0; got " + learningRate);
        }
        if (weightDecay < 0) {
            throw new RobustifyException("--weight-decay must be >= 0; got " + weightDecay);
        }
        this.model = model;
        var trainable = Parameters.trainable(model.module());
        if (trainable.size() == 0) {
            throw new RobustifyException("every parameter is frozen: nothing to train");
        }
        AdamOptions options = new AdamOptions(learningRate);
        options.weight_decay().put(weightDecay);
        this.optimizer = new Adam(trainable, options);
    }

    public Outcome step(Tensor images, Tensor labels) {
        try (var range = Profiling.range("train/step")) {
            optimizer.zero_grad();
            Tensor logits;
            try (var forward = Profiling.range("train/forward")) {
                logits = model.forward(images);
            }
            Tensor loss = cross_entropy(logits, labels);
            try (var backward = Profiling.range("train/backward")) {
                loss.backward();
            }
            try (var update = Profiling.range("train/optimizer")) {
                optimizer.step();
            }
            long correct = logits.argmax(new LongOptional(1), false).eq(labels).sum().item_long();
            return new Outcome(loss.item_float(), correct);
        }
    }

    public Adam optimizer() {
        return optimizer;
    }
}
