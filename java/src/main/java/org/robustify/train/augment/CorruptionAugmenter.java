package org.robustify.train.augment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.bytedeco.pytorch.Tensor;
import org.robustify.corrupt.CorruptOptions;
import org.robustify.corrupt.Corruption;
import org.robustify.corrupt.Corruptions;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;

/**
 * Random corruptions from our engine as a training augmentation ({@code --augment corruptions}): each image gets one
 * corruption of a list and a severity, both drawn from (seed, epoch, sample id, view), or stays clean with
 * probability {@code cleanProbability}. By default the list is the 15 benchmark corruptions, so a model trained this
 * way has seen the test shifts: the option is labelled as such wherever results are reported.
 */
public final class CorruptionAugmenter implements Augmenter {
    private final List<Corruption> corruptions;
    private final int maxSeverity;
    private final double cleanProbability;
    private final long seed;

    public CorruptionAugmenter(List<Corruption> corruptions, int maxSeverity, double cleanProbability, long seed) {
        if (corruptions.isEmpty()) {
            throw new RobustifyException("corruption augmentation needs at least one corruption");
        }
        Corruption.checkSeverity(maxSeverity);
        if (!(cleanProbability >= 0 && cleanProbability < 1)) {
            throw new RobustifyException("clean probability must be in [0, 1); got " + cleanProbability);
        }
        this.corruptions = List.copyOf(corruptions);
        this.maxSeverity = maxSeverity;
        this.cleanProbability = cleanProbability;
        this.seed = seed;
    }

    @Override
    public Tensor apply(Tensor images, long[] sampleIds, int epoch, int view) {
        long key = Augmenter.epochSeed(seed, epoch);
        int n = sampleIds.length;
        int[] codes = new int[n];
        int[] severities = new int[n];
        for (int i = 0; i < n; i++) {
            SplittableRandom r = new SplittableRandom(key ^ (sampleIds[i] * 0xD1B54A32D192ED03L + view));
            boolean clean = r.nextDouble() < cleanProbability;
            codes[i] = clean ? Corruption.IDENTITY.code() : corruptions.get(r.nextInt(corruptions.size())).code();
            severities[i] = 1 + r.nextInt(maxSeverity);
        }
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = sampleIds[i] * 8 + view; // views of one image draw different noise
        }
        return Corruptions.apply(images, ImageLayout.NHWC, codes, severities, ids, CorruptOptions.seed(key));
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "corruptions");
        m.put("corruptions", corruptions.stream().map(Corruption::nativeName).toList());
        m.put("max_severity", maxSeverity);
        m.put("clean_probability", cleanProbability);
        m.put("includes_test_corruptions", corruptions.stream().anyMatch(Corruption.benchmark()::contains));
        return m;
    }
}
