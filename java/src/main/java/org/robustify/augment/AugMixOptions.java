package org.robustify.augment;

import java.util.EnumSet;
import java.util.Set;

import org.robustify.runtime.RobustifyException;

/**
 * Options of an AugMix call ({@code rfy_augmix_options}); validated on construction.
 *
 * @param seed     key of the counter-based random numbers, together with each sample's id and the view
 * @param width    chains per image, 1..8 (AugMix: 3)
 * @param depth    ops per chain, 1..3, or -1 for uniform in 1..3 per chain (AugMix: -1)
 * @param severity 1..10: each op's level is uniform in [0.1, severity] (AugMix: 3)
 * @param alpha    Dirichlet(alpha) chain weights and Beta(alpha, alpha) mixing weight, in (0, 1000] (AugMix: 1)
 * @param allOps   also draw color, contrast, brightness and sharpness (augmentations_all)
 * @param ops      null or empty: the set {@code allOps} chooses; otherwise exactly these ops are drawn from
 * @param path     {@link ExecutionPath#FAST} (thread pool or CUDA) or {@link ExecutionPath#REFERENCE} (plain
 *                 single-threaded code after Pillow's sources; CPU only)
 */
public record AugMixOptions(long seed, int width, int depth, int severity, float alpha, boolean allOps,
        Set<AugmentOp> ops, ExecutionPath path) {

    /** Which native implementation runs. */
    public enum ExecutionPath { FAST, REFERENCE }

    public AugMixOptions {
        if (width < 1 || width > 8) {
            throw new RobustifyException("AugMix width must be in 1..8; got " + width);
        }
        if (depth != -1 && (depth < 1 || depth > 3)) {
            throw new RobustifyException("AugMix depth must be -1 (uniform in 1..3) or 1..3; got " + depth);
        }
        if (severity < 1 || severity > 10) {
            throw new RobustifyException("AugMix severity must be in 1..10; got " + severity);
        }
        if (!(alpha > 0f && alpha <= 1000f)) {
            throw new RobustifyException("AugMix alpha must be in (0, 1000]; got " + alpha);
        }
        ops = ops == null || ops.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(ops));
        if (path == null) {
            path = ExecutionPath.FAST;
        }
    }

    /** The paper's settings: seed 0, width 3, depth -1, severity 3, alpha 1, the nine AugMix ops, fast path. */
    public static AugMixOptions defaults() {
        return new AugMixOptions(0, 3, -1, 3, 1f, false, null, ExecutionPath.FAST);
    }

    /** The native op mask (0: the default set). */
    public int opsMask() {
        return AugmentOp.mask(ops);
    }

    public AugMixOptions withSeed(long s) {
        return new AugMixOptions(s, width, depth, severity, alpha, allOps, ops, path);
    }

    public AugMixOptions withWidth(int w) {
        return new AugMixOptions(seed, w, depth, severity, alpha, allOps, ops, path);
    }

    public AugMixOptions withDepth(int d) {
        return new AugMixOptions(seed, width, d, severity, alpha, allOps, ops, path);
    }

    public AugMixOptions withSeverity(int s) {
        return new AugMixOptions(seed, width, depth, s, alpha, allOps, ops, path);
    }

    public AugMixOptions withAlpha(float a) {
        return new AugMixOptions(seed, width, depth, severity, a, allOps, ops, path);
    }

    public AugMixOptions withAllOps(boolean all) {
        return new AugMixOptions(seed, width, depth, severity, alpha, all, ops, path);
    }

    public AugMixOptions withOps(Set<AugmentOp> o) {
        return new AugMixOptions(seed, width, depth, severity, alpha, allOps, o, path);
    }

    public AugMixOptions withPath(ExecutionPath p) {
        return new AugMixOptions(seed, width, depth, severity, alpha, allOps, ops, p);
    }
}
