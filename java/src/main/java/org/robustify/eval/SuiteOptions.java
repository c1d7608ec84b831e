package org.robustify.eval;

import java.util.Arrays;
import java.util.List;

import org.robustify.corrupt.CorruptOptions;
import org.robustify.corrupt.Corruption;
import org.robustify.runtime.RobustifyException;

/**
 * How {@link CorruptionSuite} runs.
 *
 * @param batchSize   images per batch (results do not depend on it: sample ids are dataset indices)
 * @param seed        key of the corruption engine's random numbers
 * @param corruptions corruptions to apply, in report order (no identity, no duplicates)
 * @param severities  severities 1..5 to apply to each corruption, in report order (no duplicates)
 * @param limit       evaluate only the first {@code limit} images (0: all)
 * @param progress    print progress to stderr
 * @param hook        called after every predicted batch (null: none)
 * @param engine      corruption engine options (preset, frost textures, execution path); its seed is replaced by
 *                    {@code seed}. Null: the defaults
 */
public record SuiteOptions(int batchSize, long seed, List<Corruption> corruptions, int[] severities, int limit,
        boolean progress, BatchHook hook, CorruptOptions engine) {

    public SuiteOptions {
        if (batchSize < 1) {
            throw new RobustifyException("batch size must be >= 1; got " + batchSize);
        }
        if (limit < 0) {
            throw new RobustifyException("test-image limit must be >= 0 (0 = all); got " + limit);
        }
        if (corruptions == null) {
            throw new RobustifyException("corruptions is null (pass an empty list for a clean-only run)");
        }
        if (corruptions.contains(Corruption.IDENTITY)) {
            throw new RobustifyException("corruptions must not contain identity: the clean images are always "
                    + "evaluated");
        }
        if (corruptions.stream().distinct().count() != corruptions.size()) {
            throw new RobustifyException("corruptions contain duplicates: " + corruptions);
        }
        corruptions = List.copyOf(corruptions);
        if (severities == null || severities.length == 0) {
            throw new RobustifyException("severities must name at least one of 1..5");
        }
        for (int s : severities) {
            Corruption.checkSeverity(s);
        }
        if (Arrays.stream(severities).distinct().count() != severities.length) {
            throw new RobustifyException("severities contain duplicates: " + Arrays.toString(severities));
        }
        severities = severities.clone();
        engine = (engine != null ? engine : CorruptOptions.defaults()).withSeed(seed);
    }

    /** The 15 benchmark corruptions at severities 1..5, batch 128, seed 0, all images, no progress, no hook. */
    public static SuiteOptions defaults() {
        return new SuiteOptions(128, 0, Corruption.benchmark(), new int[] {1, 2, 3, 4, 5}, 0, false, null, null);
    }

    @Override
    public int[] severities() {
        return severities.clone();
    }

    public SuiteOptions withBatchSize(int b) {
        return new SuiteOptions(b, seed, corruptions, severities, limit, progress, hook, engine);
    }

    public SuiteOptions withSeed(long s) {
        return new SuiteOptions(batchSize, s, corruptions, severities, limit, progress, hook, engine);
    }

    public SuiteOptions withCorruptions(List<Corruption> c) {
        return new SuiteOptions(batchSize, seed, c, severities, limit, progress, hook, engine);
    }

    public SuiteOptions withSeverities(int... s) {
        return new SuiteOptions(batchSize, seed, corruptions, s, limit, progress, hook, engine);
    }

    public SuiteOptions withLimit(int l) {
        return new SuiteOptions(batchSize, seed, corruptions, severities, l, progress, hook, engine);
    }

    public SuiteOptions withProgress(boolean p) {
        return new SuiteOptions(batchSize, seed, corruptions, severities, limit, p, hook, engine);
    }

    public SuiteOptions withHook(BatchHook h) {
        return new SuiteOptions(batchSize, seed, corruptions, severities, limit, progress, h, engine);
    }

    public SuiteOptions withEngine(CorruptOptions e) {
        return new SuiteOptions(batchSize, seed, corruptions, severities, limit, progress, hook, e);
    }
}
