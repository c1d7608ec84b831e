package org.robustify.augment;

import java.util.EnumSet;
import java.util.Set;

import org.bytedeco.pytorch.Tensor;
import org.robustify.runtime.RobustifyException;

/**
 * Options of a PixMix call ({@code rfy_pixmix_options}); validated on construction.
 *
 * @param seed           key of the counter-based random numbers, together with each sample's id and the view
 * @param k              maximum number of mixing rounds, 0..8 (PixMix: 4)
 * @param beta           get_ab's Beta parameter, in (0, 1000] (PixMix: 3)
 * @param severity       1..10: augment() level bound (PixMix: 3)
 * @param allOps         augment() also draws color, contrast, brightness and sharpness
 * @param ops            null or empty: the set {@code allOps} chooses; otherwise exactly these ops
 * @param mixingPictures null for procedural fractals (the corruption engine's plasma, one per image and view);
 *                       otherwise uint8 [K, H, W, C] pictures in NHWC with the images' H, W and C, moved to the
 *                       images' device if needed
 * @param path           {@link AugMixOptions.ExecutionPath#FAST} or {@link AugMixOptions.ExecutionPath#REFERENCE}
 */
public record PixMixOptions(long seed, int k, float beta, int severity, boolean allOps, Set<AugmentOp> ops,
        Tensor mixingPictures, AugMixOptions.ExecutionPath path) {

    public PixMixOptions {
        if (k < 0 || k > 8) {
            throw new RobustifyException("PixMix k must be in 0..8; got " + k);
        }
        if (!(beta > 0f && beta <= 1000f)) {
            throw new RobustifyException("PixMix beta must be in (0, 1000]; got " + beta);
        }
        if (severity < 1 || severity > 10) {
            throw new RobustifyException("PixMix severity must be in 1..10; got " + severity);
        }
        ops = ops == null || ops.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ops));
        if (path == null) {
            path = AugMixOptions.ExecutionPath.FAST;
        }
    }

    /** The paper's settings: seed 0, k 4, beta 3, severity 3, the nine AugMix ops, procedural pictures, fast. */
    public static PixMixOptions defaults() {
        return new PixMixOptions(0, 4, 3f, 3, false, null, null, AugMixOptions.ExecutionPath.FAST);
    }

    /** The native op mask (0: the default set). */
    public int opsMask() {
        return AugmentOp.mask(ops);
    }

    public PixMixOptions withSeed(long s) {
        return new PixMixOptions(s, k, beta, severity, allOps, ops, mixingPictures, path);
    }

    public PixMixOptions withK(int rounds) {
        return new PixMixOptions(seed, rounds, beta, severity, allOps, ops, mixingPictures, path);
    }

    public PixMixOptions withBeta(float b) {
        return new PixMixOptions(seed, k, b, severity, allOps, ops, mixingPictures, path);
    }

    public PixMixOptions withSeverity(int s) {
        return new PixMixOptions(seed, k, beta, s, allOps, ops, mixingPictures, path);
    }

    public PixMixOptions withAllOps(boolean all) {
        return new PixMixOptions(seed, k, beta, severity, all, ops, mixingPictures, path);
    }

    public PixMixOptions withOps(Set<AugmentOp> o) {
        return new PixMixOptions(seed, k, beta, severity, allOps, o, mixingPictures, path);
    }

    public PixMixOptions withMixingPictures(Tensor pictures) {
        return new PixMixOptions(seed, k, beta, severity, allOps, ops, pictures, path);
    }

    public PixMixOptions withPath(AugMixOptions.ExecutionPath p) {
        return new PixMixOptions(seed, k, beta, severity, allOps, ops, mixingPictures, p);
    }
}
