package org.robustify.train.augment;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.robustify.augment.AugMix;
import org.robustify.augment.AugMixOptions;
import org.robustify.tensor.ImageLayout;

/** AugMix through the native kernel, reseeded per epoch; views are the kernel's view index. */
final class AugMixAugmenter implements Augmenter {
    private final AugMixOptions options;

    AugMixAugmenter(int width, int depth, int severity, double alpha, boolean allOps, long seed) {
        this.options = new AugMixOptions(seed, width, depth, severity, (float) alpha, allOps, null,
                AugMixOptions.ExecutionPath.FAST);
    }

    @Override
    public Tensor apply(Tensor images, long[] sampleIds, int epoch, int view) {
        return AugMix.apply(images, ImageLayout.NHWC, sampleIds, view,
                options.withSeed(Augmenter.epochSeed(options.seed(), epoch)));
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "augmix");
        m.put("width", options.width());
        m.put("depth", options.depth());
        m.put("severity", options.severity());
        m.put("alpha", options.alpha());
        m.put("all_ops", options.allOps());
        m.put("seed", options.seed());
        return m;
    }
}
