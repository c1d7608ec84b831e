package org.robustify.tradeoff;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

import java.util.function.LongConsumer;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.BatchTensors;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.ImageClassifier;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.AdamOptimizer;
import org.robustify.train.LrSchedule;

/**
 * A fixed number of cross-entropy steps over reshuffled epochs (order a function of (seed, epoch)), with a callback
 * after each step: the study evaluates mid-epoch, which the epoch-based Trainer does not offer.
 */
final class TrainLoop {
    private TrainLoop() {}

    /** Returns the training seconds (callback time excluded). */
    static double run(ImageClassifier model, AdamOptimizer optimizer, LrSchedule schedule, ImageDataset data,
            int batchSize, int steps, long seed, LongConsumer afterStep) {
        long step = 0;
        double seconds = 0;
        model.module().train(true);
        for (int epoch = 0; step < steps; epoch++) {
            try (BatchLoader loader = new BatchLoader(data, batchSize, true, seed, epoch, true, 4)) {
                for (Batch b : loader) {
                    long start = System.nanoTime();
                    try (PointerScope scope = new PointerScope()) {
                        optimizer.setLearningRate(schedule.lr(step));
                        optimizer.zeroGrad();
                        Tensor loss = cross_entropy(model.forward(BatchTensors.images(b, FashionMnist.MEAN,
                                FashionMnist.STD)), BatchTensors.labels(b));
                        loss.backward();
                        optimizer.step();
                        float value = loss.item_float();
                        if (!Float.isFinite(value)) {
                            throw new RobustifyException("training diverged at step " + (step + 1) + ": loss "
                                    + value);
                        }
                    }
                    seconds += (System.nanoTime() - start) / 1e9;
                    step++;
                    afterStep.accept(step);
                    model.module().train(true);
                    if (step == steps) {
                        break;
                    }
                }
            }
        }
        return seconds;
    }
}
