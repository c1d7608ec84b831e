package org.robustify.train.augment;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.robustify.augment.AugMixOptions;
import org.robustify.augment.PixMix;
import org.robustify.augment.PixMixOptions;
import org.robustify.tensor.ImageLayout;

/** PixMix through the native kernel with procedural mixing pictures, reseeded per epoch. */
final class PixMixAugmenter implements Augmenter {
    private final PixMixOptions options;

    PixMixAugmenter(int k, double beta, int severity, boolean allOps, long seed) {
        this.options = new PixMixOptions(seed, k, (float) beta, severity, allOps, null, null,
                AugMixOptions.ExecutionPath.FAST);
    }

    @Override
    public Tensor apply(Tensor images, long[] sampleIds, int epoch, int view) {
        return PixMix.apply(images, ImageLayout.NHWC, sampleIds, view,
                options.withSeed(Augmenter.epochSeed(options.seed(), epoch)));
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "pixmix");
        m.put("k", options.k());
        m.put("beta", options.beta());
        m.put("severity", options.severity());
        m.put("all_ops", options.allOps());
        m.put("mixing_pictures", "procedural fractals");
        m.put("seed", options.seed());
        return m;
    }
}
