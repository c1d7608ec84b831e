package org.robustify.tradeoff;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

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
 * A fixed number of cross-entropy steps over reshuffled epochs (order a function of (seed, epoch), last partial
 * batch dropped), with a callback after each step: the study evaluates mid-epoch, which the epoch-based Trainer does
 * not offer. The data position is a function of the step alone (epoch = step / batches per epoch, batch = the
 * remainder), so a run resumed at step k sees exactly the batches an uninterrupted one sees from k on.
 */
final class TrainLoop {
    /** Called after each optimiser step with its 1-based count, its loss and the training seconds so far. */
    @FunctionalInterface
    interface AfterStep {
        void accept(long step, float loss, double trainSeconds);
    }

    private TrainLoop() {}

    /** From scratch; returns the training seconds (callback time excluded). */
    static double run(ImageClassifier model, AdamOptimizer optimizer, LrSchedule schedule, ImageDataset data,
            int batchSize, int steps, long seed, AfterStep afterStep) {
        return run(model, optimizer, schedule, data, batchSize, steps, seed, 0, 0, afterStep);
    }

    /**
     * Continues after {@code startStep} steps already taken (model and optimiser restored by the caller) that
     * trained for {@code secondsBefore}; returns the training seconds including those.
     */
    static double run(ImageClassifier model, AdamOptimizer optimizer, LrSchedule schedule, ImageDataset data,
            int batchSize, int steps, long seed, long startStep, double secondsBefore, AfterStep afterStep) {
        int perEpoch = data.size() / batchSize;
        if (perEpoch == 0) {
            throw new RobustifyException(data.name() + ": " + data.size() + " images do not fill one batch of "
                    + batchSize);
        }
        if (startStep < 0 || startStep > steps) {
            throw new RobustifyException("cannot start at step " + startStep + " of " + steps);
        }
        long step = startStep;
        double seconds = secondsBefore;
        model.module().train(true);
        for (int epoch = (int) (startStep / perEpoch); step < steps; epoch++) {
            int first = epoch == startStep / perEpoch ? (int) (startStep % perEpoch) : 0;
            try (BatchLoader loader = new BatchLoader(data, batchSize, true, seed, epoch, true, 4, first)) {
                for (Batch b : loader) {
                    long start = System.nanoTime();
                    float value;
                    try (PointerScope scope = new PointerScope()) {
                        optimizer.setLearningRate(schedule.lr(step));
                        optimizer.zeroGrad();
                        Tensor loss = cross_entropy(model.forward(BatchTensors.images(b, FashionMnist.MEAN,
                                FashionMnist.STD)), BatchTensors.labels(b));
                        loss.backward();
                        optimizer.step();
                        value = loss.item_float();
                        if (!Float.isFinite(value)) {
                            throw new RobustifyException("training diverged at step " + (step + 1) + ": loss "
                                    + value);
                        }
                    }
                    seconds += (System.nanoTime() - start) / 1e9;
                    step++;
                    afterStep.accept(step, value, seconds);
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
