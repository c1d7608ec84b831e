package org.robustify.attack;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.BatchTensors;
import org.robustify.data.ImageDataset;
import org.robustify.dist.ShardedBatches;
import org.robustify.eval.Predictor;
import org.robustify.model.ImageClassifier;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;
import org.robustify.tensor.Preprocess;
import org.robustify.train.ProgressBar;

/**
 * Accuracy under attack, batched in dataset order. Batch b's random start is seeded from (options seed, b), so a run
 * is identical for a given seed and batch size.
 */
public final class AdversarialEval {
    public record Result(long correct, long total) {
        public double accuracy() {
            return total == 0 ? 0 : correct / (double) total;
        }
    }

    private AdversarialEval() {}

    public static Result accuracy(ImageClassifier model, ImageDataset data, float[] mean, float[] std,
            AttackOptions o, int limit, int batchSize) {
        return accuracy(model, Predictor.of(model), data, mean, std, o, limit, batchSize);
    }

    /**
     * Attacks {@code attacked} (differentiable) and scores the adversarial images with {@code scored}, e.g. a
     * branched model attacked through one head and evaluated with head selection. {@code scored} is called in
     * eval mode under a NoGradGuard with images normalised exactly as the attack saw them.
     */
    public static Result accuracy(ImageClassifier attacked, Predictor scored, ImageDataset data, float[] mean,
            float[] std, AttackOptions o, int limit, int batchSize) {
        return accuracy(attacked, scored, data, mean, std, o, limit, batchSize, ShardedBatches.single());
    }

    /** Sharded by whole batches over the ranks of {@code shards}; the counts are those of one process. */
    public static Result accuracy(ImageClassifier attacked, Predictor scored, ImageDataset data, float[] mean,
            float[] std, AttackOptions o, int limit, int batchSize, ShardedBatches shards) {
        if (batchSize < 1) {
            throw new RobustifyException("batch size must be >= 1; got " + batchSize);
        }
        ImageDataset subset = data.head(limit);
        String label = o.kind() + " " + o.norm().name().toLowerCase() + " eps " + String.format("%.4g", o.epsilon());
        ProgressBar progress = ProgressBar.shownIf(shards.reports(), label, subset.size());
        Map<Integer, double[]> own = new HashMap<>();
        boolean wasTraining = attacked.module().is_training();
        attacked.module().eval();
        long correct = 0;
        long done = 0;
        int batchIndex = 0;
        try (BatchLoader loader = new BatchLoader(subset, batchSize, false, 0, 0, false, 2)) {
            for (Batch b : loader) {
                int index = batchIndex++;
                if (!shards.mine(index)) {
                    continue;
                }
                try (PointerScope scope = new PointerScope()) {
                    Tensor x = unitImages(b);
                    Tensor y = BatchTensors.labels(b);
                    AttackOptions batchOptions = o.withSeed(batchSeed(o.seed(), index));
                    Tensor adv = Attacks.perturb(attacked, mean, std, x, y, batchOptions);
                    try (NoGradGuard noGrad = new NoGradGuard()) {
                        Tensor logits = scored.logits(Attacks.normalize(adv, mean, std));
                        long right = logits.argmax(new LongOptional(1), false).eq(y).sum().item_long();
                        own.put(index, new double[] {right});
                        correct += right;
                    }
                }
                done += b.size();
                progress.update(done * shards.worldSize(), String.format("acc %.4f", correct / (double) done));
            }
        } finally {
            attacked.module().train(wasTraining);
        }
        correct = 0;
        for (double[] right : shards.gather(batchIndex, own, label)) {
            correct += Math.round(right[0]);
        }
        progress.finish(String.format("acc %.4f", subset.size() == 0 ? 0 : correct / (double) subset.size()));
        return new Result(correct, subset.size());
    }

    /** A batch's pixels as float32 NCHW in [0,1] (x / 255, by the native preprocess kernel). */
    public static Tensor unitImages(Batch b) {
        float[] zeros = new float[b.channels()];
        float[] ones = new float[b.channels()];
        java.util.Arrays.fill(ones, 1f);
        try (BytePointer bytes = new BytePointer(b.pixels())) {
            Tensor raw = torch.from_blob(bytes, new long[] {b.size(), b.height(), b.width(), b.channels()},
                    new TensorOptions(ScalarType.Byte));
            return Preprocess.normalize(raw, ImageLayout.NHWC, zeros, ones);
        }
    }

    static long batchSeed(long seed, int batchIndex) {
        return seed * 0x9E3779B97F4A7C15L + batchIndex;
    }
}
