package org.robustify.model.vit;

import org.robustify.runtime.RobustifyException;

/** Width, depth and heads of the timm ViT sizes (MLP ratio 4 for all). */
public record VitConfig(String zooName, int dim, int depth, int heads) {
    public static final int MLP_RATIO = 4;

    public static VitConfig of(String name) {
        return switch (name) {
            case "vit_tiny" -> new VitConfig(name, 192, 12, 3);
            case "vit_small" -> new VitConfig(name, 384, 12, 6);
            case "vit_base" -> new VitConfig(name, 768, 12, 12);
            default -> throw new RobustifyException("not a ViT variant: '" + name + "'");
        };
    }

    public VitConfig withDepth(int d) {
        return new VitConfig(zooName, dim, d, heads);
    }
}
