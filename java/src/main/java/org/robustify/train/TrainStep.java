package org.robustify.train;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.ImageClassifier;
import org.robustify.runtime.Profiling;

/**
 * One supervised optimisation step (cross-entropy, Adam or AdamW) over the model's trainable parameters. The
 * caller wraps each call in a PointerScope: libtorch memory is invisible to the JVM's GC, so without one every
 * step's autograd graph would stay alive.
 */
public final class TrainStep {
    public record Outcome(float loss, long correct) {}

    private final ImageClassifier model;
    private final AdamOptimizer optimizer;

    public TrainStep(ImageClassifier model, double learningRate, double weightDecay) {
        this(model, AdamOptimizer.Kind.ADAM, learningRate, weightDecay);
    }

    public TrainStep(ImageClassifier model, AdamOptimizer.Kind kind, double learningRate, double weightDecay) {
        this.model = model;
        this.optimizer = AdamOptimizer.forTrainable(model.module(), kind, learningRate, weightDecay);
    }

    public Outcome step(Tensor images, Tensor labels) {
        try (var range = Profiling.range("train/step")) {
            optimizer.zeroGrad();
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

    public AdamOptimizer optimizer() {
        return optimizer;
    }
}
