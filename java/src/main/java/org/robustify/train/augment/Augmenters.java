package org.robustify.train.augment;

import java.util.List;

import org.robustify.corrupt.Corruption;

/** Builds the training augmentations by name (the CLI's --augment). */
public final class Augmenters {
    private Augmenters() {}

    /** AugMix (Hendrycks et al. 2020) through the native kernel. */
    public static Augmenter augmix(int width, int depth, int severity, double alpha, boolean allOps, long seed) {
        return new AugMixAugmenter(width, depth, severity, alpha, allOps, seed);
    }

    /** PixMix (Hendrycks et al. 2022) with procedural mixing pictures, through the native kernel. */
    public static Augmenter pixmix(int k, double beta, int severity, boolean allOps, long seed) {
        return new PixMixAugmenter(k, beta, severity, allOps, seed);
    }

    /** Random corruptions of our engine, one per image, or clean with probability 0.1 (see CorruptionAugmenter). */
    public static Augmenter corruptions(List<Corruption> corruptions, int maxSeverity, long seed) {
        return new CorruptionAugmenter(corruptions, maxSeverity, 0.1, seed);
    }
}
