package org.robustify.train.augment;

import java.util.Map;

import org.bytedeco.pytorch.Tensor;

/**
 * A training augmentation on a batch: uint8 NHWC images in, an augmented copy out (uint8 or float32 in [0, 1], NHWC),
 * ready for {@link org.robustify.tensor.Preprocess#normalize}. Results are a pure function of (seed, epoch, sample
 * id, view): a resumed run, another batch size or thread count sees the same augmented images.
 */
public interface Augmenter {
    /**
     * @param images    uint8 [N, H, W, C]
     * @param sampleIds dataset index of each image
     * @param epoch     0-based epoch (the same image gets new augmentations each epoch)
     * @param view      0, 1, ...: independent views of the same image (AugMix's JSD uses two)
     */
    Tensor apply(Tensor images, long[] sampleIds, int epoch, int view);

    /** Name and settings, for manifests. */
    Map<String, Object> describe();

    /** Seed of one epoch's augmentations: splitmix64 of (seed, epoch), so epochs differ and stay reproducible. */
    static long epochSeed(long seed, int epoch) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
