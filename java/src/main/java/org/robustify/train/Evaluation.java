package org.robustify.train;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.BatchTensors;
import org.robustify.data.ImageDataset;
import org.robustify.dist.Collectives;
import org.robustify.dist.Shard;
import org.robustify.model.ImageClassifier;
import org.robustify.runtime.Profiling;

/** Accuracy and mean cross-entropy of a model on a dataset (eval mode, no autograd, batched). */
public final class Evaluation {
    public record Result(long correct, long total, double lossSum) {
        public double accuracy() {
            return total == 0 ? 0 : correct / (double) total;
        }

        public double meanLoss() {
            return total == 0 ? 0 : lossSum / total;
        }
    }

    private Evaluation() {}

    /**
     * Sharded over the ranks of {@code group}: each evaluates a contiguous slice, and the counts and loss sums are
     * added up (correct and total are exact; the loss sum differs from one process's only by summation order).
     */
    public static Result evaluate(ImageClassifier model, ImageDataset data, int batchSize, float[] mean,
            float[] std, Collectives group) {
        if (group.worldSize() == 1) {
            return evaluate(model, data, batchSize, mean, std);
        }
        Shard shard = new Shard(group.rank(), group.worldSize());
        int from = shard.start(data.size());
        Result local = evaluate(model, data.slice(from, from + shard.size(data.size())), batchSize, mean, std);
        double[] sums = group.sum(new double[] {local.correct(), local.total(), local.lossSum()}, "evaluation");
        return new Result(Math.round(sums[0]), Math.round(sums[1]), sums[2]);
    }

    public static Result evaluate(ImageClassifier model, ImageDataset data, int batchSize, float[] mean,
            float[] std) {
        boolean wasTraining = model.module().is_training();
        model.module().eval();
        long correct = 0;
        double lossSum = 0;
        try (var range = Profiling.range("evaluate");
                BatchLoader loader = new BatchLoader(data, batchSize, false, 0, 0, false, 2)) {
            for (Batch b : loader) {
                try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                    Tensor x = BatchTensors.images(b, mean, std);
                    Tensor y = BatchTensors.labels(b);
                    Tensor logits = model.forward(x);
                    lossSum += cross_entropy(logits, y).item_float() * b.size();
                    correct += logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false).eq(y).sum().item_long();
                }
            }
        } finally {
            model.module().train(wasTraining);
        }
        return new Result(correct, data.size(), lossSum);
    }
}
