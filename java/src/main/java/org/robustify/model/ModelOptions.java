package org.robustify.model;

import org.robustify.runtime.RobustifyException;

/**
 * Architecture options beyond {@link InputSpec}. Null / 0 means "choose from the input size".
 *
 * @param stem      ResNet stem: "imagenet" (7x7/2 conv + 3x3/2 max-pool) or "cifar" (3x3/1 conv, no pool); default
 *                  cifar when min(H, W) <= 64, else imagenet
 * @param patchSize ViT patch size; default 16 when min(H, W) >= 128, else 4
 * @param vitDepth  ViT block count override (0 = the architecture's 12); for fast tests and small students
 */
public record ModelOptions(String stem, int patchSize, int vitDepth) {
    public static final String STEM_IMAGENET = "imagenet";
    public static final String STEM_CIFAR = "cifar";
    public static final ModelOptions DEFAULT = new ModelOptions(null, 0, 0);

    public ModelOptions {
        if (stem != null && !stem.equals(STEM_IMAGENET) && !stem.equals(STEM_CIFAR)) {
            throw new RobustifyException("unknown stem '" + stem + "'; use '" + STEM_IMAGENET + "' or '"
                    + STEM_CIFAR + "'");
        }
        if (patchSize < 0) {
            throw new RobustifyException("patch size must be positive (or 0 for the default); got " + patchSize);
        }
        if (vitDepth < 0) {
            throw new RobustifyException("ViT depth must be positive (or 0 for the default); got " + vitDepth);
        }
    }

    public ModelOptions withStem(String s) {
        return new ModelOptions(s, patchSize, vitDepth);
    }

    public ModelOptions withPatchSize(int p) {
        return new ModelOptions(stem, p, vitDepth);
    }

    public ModelOptions withVitDepth(int d) {
        return new ModelOptions(stem, patchSize, d);
    }

    /** The stem to build for this input: the explicit one, else by image size (small images keep resolution). */
    public String resolvedStem(InputSpec spec) {
        if (stem != null) {
            return stem;
        }
        return Math.min(spec.height(), spec.width()) <= 64 ? STEM_CIFAR : STEM_IMAGENET;
    }

    /** The ViT patch size for this input: the explicit one, else 16 for ImageNet-sized images and 4 for small ones. */
    public int resolvedPatchSize(InputSpec spec) {
        if (patchSize > 0) {
            return patchSize;
        }
        return Math.min(spec.height(), spec.width()) >= 128 ? 16 : 4;
    }
}
