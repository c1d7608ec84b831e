package org.robustify.cli;

import java.util.List;
import java.util.Locale;

import org.robustify.corrupt.Corruption;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.augment.Augmenter;
import org.robustify.train.augment.Augmenters;

import picocli.CommandLine.Option;

/**
 * The training augmentation of teacher, finetune and distill (picocli mixin). AugMix is the default; the 15 test
 * corruptions are used only when asked for by name ({@code --augment corruptions}), and the run's manifest then says
 * the model has seen the benchmark's shifts.
 */
final class AugmentOptions {
    @Option(names = "--augment", defaultValue = "augmix", paramLabel = "augmix|pixmix|corruptions|"
            + "validation-corruptions|none", description = "Training augmentation. 'corruptions' trains on the 15 "
            + "benchmark corruptions (labelled as such in results); 'validation-corruptions' on the 4 held-out ones.")
    String augment;

    @Option(names = "--augmix-width", defaultValue = "3", description = "AugMix: chains mixed per image.")
    int width;

    @Option(names = "--augmix-depth", defaultValue = "-1", description = "AugMix: ops per chain (-1: 1 to 3 at random).")
    int depth;

    @Option(names = "--augmix-severity", defaultValue = "3", description = "AugMix/PixMix: op severity (1-10).")
    int severity;

    @Option(names = "--augmix-alpha", defaultValue = "1", description = "AugMix: Dirichlet/Beta mixing parameter.")
    double alpha;

    @Option(names = "--augmix-all-ops", description = "AugMix/PixMix: add color, contrast, brightness, sharpness.")
    boolean allOps;

    @Option(names = "--pixmix-k", defaultValue = "4", description = "PixMix: up to k mixing rounds.")
    int pixmixK;

    @Option(names = "--pixmix-beta", defaultValue = "3", description = "PixMix: mixing coefficient parameter.")
    double pixmixBeta;

    @Option(names = "--corruption-max-severity", defaultValue = "5", description = "corruptions: severities 1..N.")
    int corruptionMaxSeverity;

    /** Null for 'none'. */
    Augmenter build(long seed) {
        String kind = augment.toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "none" -> null;
            case "augmix" -> Augmenters.augmix(width, depth, severity, alpha, allOps, seed);
            case "pixmix" -> Augmenters.pixmix(pixmixK, pixmixBeta, severity, allOps, seed);
            case "corruptions" -> Augmenters.corruptions(Corruption.benchmark(), corruptionMaxSeverity, seed);
            case "validation-corruptions" -> Augmenters.corruptions(Corruption.validation(), corruptionMaxSeverity,
                    seed);
            default -> throw new RobustifyException("unknown --augment '" + augment + "'; use augmix, pixmix, "
                    + "corruptions, validation-corruptions or none");
        };
    }

    static List<String> kinds() {
        return List.of("augmix", "pixmix", "corruptions", "validation-corruptions", "none");
    }
}
