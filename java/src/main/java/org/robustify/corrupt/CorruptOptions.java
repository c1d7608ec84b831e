package org.robustify.corrupt;

import org.bytedeco.pytorch.Tensor;

/**
 * Options of a corruption call.
 *
 * @param seed          key of the counter-based random numbers, together with each sample's id
 * @param preset        per-severity constants; {@link CorruptionPreset#AUTO} picks by image size
 * @param frostTextures null for procedural frost; otherwise uint8 [K, Ht, Wt, 3] RGB photos (e.g. ImageNet-C's
 *                      frost images), each at least as large as the images; moved to the images' device if needed
 * @param path          {@link ExecutionPath#FAST} (thread pool or CUDA) or {@link ExecutionPath#REFERENCE}
 *                      (single-threaded code following the published algorithms; CPU only)
 */
public record CorruptOptions(long seed, CorruptionPreset preset, Tensor frostTextures, ExecutionPath path) {

    /** Which native implementation runs. */
    public enum ExecutionPath { FAST, REFERENCE }

    public CorruptOptions {
        if (preset == null) {
            preset = CorruptionPreset.AUTO;
        }
        if (path == null) {
            path = ExecutionPath.FAST;
        }
    }

    /** Seed 0, preset auto, procedural frost, fast path. */
    public static CorruptOptions defaults() {
        return new CorruptOptions(0, CorruptionPreset.AUTO, null, ExecutionPath.FAST);
    }

    public static CorruptOptions seed(long seed) {
        return defaults().withSeed(seed);
    }

    public CorruptOptions withSeed(long s) {
        return new CorruptOptions(s, preset, frostTextures, path);
    }

    public CorruptOptions withPreset(CorruptionPreset p) {
        return new CorruptOptions(seed, p, frostTextures, path);
    }

    public CorruptOptions withFrostTextures(Tensor textures) {
        return new CorruptOptions(seed, preset, textures, path);
    }

    public CorruptOptions withPath(ExecutionPath p) {
        return new CorruptOptions(seed, preset, frostTextures, p);
    }
}
