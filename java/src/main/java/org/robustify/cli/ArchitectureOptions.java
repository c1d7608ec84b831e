package org.robustify.cli;

import java.util.Locale;

import org.robustify.model.ModelOptions;

import picocli.CommandLine.Option;

/** The zoo's per-architecture options, shared by every command that builds a model (picocli mixin). */
final class ArchitectureOptions {
    @Option(names = "--stem", paramLabel = "imagenet|cifar", description = "ResNet stem (default: cifar for images "
            + "up to 64 px, else imagenet).")
    String stem;

    @Option(names = "--patch-size", defaultValue = "0", description = "ViT patch size (0: 16 for images of at "
            + "least 128 px, else 4).")
    int patchSize;

    @Option(names = "--depth", defaultValue = "0", description = "ViT block count (0: the architecture's).")
    int depth;

    /** The options as the zoo takes them; throws RobustifyException naming a bad value. */
    ModelOptions toModelOptions() {
        return new ModelOptions(stem == null ? null : stem.toLowerCase(Locale.ROOT), patchSize, depth);
    }
}
