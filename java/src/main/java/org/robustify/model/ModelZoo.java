package org.robustify.model;

import java.util.List;

import org.robustify.model.resnet.ResNet;
import org.robustify.model.vit.VisionTransformer;
import org.robustify.model.vit.VitConfig;
import org.robustify.runtime.RobustifyException;

/** Builds models by zoo name. ResNets and ViTs use timm's parameter names, so timm weights load into them. */
public final class ModelZoo {
    public static final List<String> NAMES = List.of(CnnSmall.NAME, CnnSmall.TINY, "resnet18", "resnet34", "resnet50", "vit_tiny",
            "vit_small", "vit_base");

    private ModelZoo() {}

    public static ImageClassifier create(String name, InputSpec spec) {
        return create(name, spec, ModelOptions.DEFAULT);
    }

    public static ImageClassifier create(String name, InputSpec spec, ModelOptions options) {
        requireKnown(name);
        if (options == null) {
            options = ModelOptions.DEFAULT;
        }
        return switch (name) {
            case CnnSmall.NAME -> new CnnSmall(spec);
            case CnnSmall.TINY -> CnnSmall.tiny(spec);
            case "resnet18", "resnet34", "resnet50" -> new ResNet(ResNet.Variant.of(name), spec, options);
            case "vit_tiny", "vit_small", "vit_base" -> new VisionTransformer(VitConfig.of(name), spec, options);
            default -> throw new IllegalStateException("NAMES lists '" + name + "' but create() cannot build it");
        };
    }

    /** Fails fast, before any data is loaded, on a name the zoo does not have. */
    public static void requireKnown(String name) {
        if (!NAMES.contains(name)) {
            throw new RobustifyException("unknown model '" + name + "'; available: " + String.join(", ", NAMES));
        }
    }
}
