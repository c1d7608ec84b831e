package org.robustify.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.robustify.loss.DistillOptions;
import org.robustify.method.DistillJob;
import org.robustify.method.DistillSettings;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.RunModel;
import org.robustify.train.TrainConfig;
import org.robustify.train.Trainer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "distill", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Stage 2 of the method: copy the tuned blocks of the pre-trained student into a branch with a "
                + "clean and a robust head, distil the teacher (robust head, augmented views) and the original "
                + "model (clean head, clean images) with uncertainty weights through the fused loss, then calibrate "
                + "the head-selection thresholds (thresholds.json). The original model stays bit-identical.")
final class DistillCommand implements Callable<Integer> {
    static final LoopOptions.Defaults DEFAULTS = new LoopOptions.Defaults(1, 128, "adamw", 1e-3, 1e-4, "cosine",
            50);

    @Option(names = "--student", required = true, paramLabel = "RUN", description = "The pre-trained model to "
            + "robustify (run folder or its model.pt).")
    Path student;

    @Option(names = "--teacher", required = true, paramLabel = "RUN|none", description = "The robust teacher's run; "
            + "'none' tunes the branch with the augmentation alone (ablation: partial tuning without a teacher).")
    String teacher;

    @Option(names = "--tune", defaultValue = DistillSettings.DEFAULT_TUNE, paramLabel = "SPEC", description = "Blocks "
            + "the branch copies: last:k, first:k, fraction:f (the last ceil(f*L)), blocks:i+j.")
    String tune;

    @Mixin
    AugmentOptions augment;

    @Option(names = "--temperature", defaultValue = "4", description = "Distillation temperature T.")
    double temperature;

    @Option(names = "--alpha", defaultValue = "1", description = "Weight of the original model's KD on the clean head.")
    double alpha;

    @Option(names = "--beta", defaultValue = "1", description = "Weight of the teacher's KD on the robust head.")
    double beta;

    @Option(names = "--kd-weighting", defaultValue = "entropy", description = "entropy (w = 1 - H(p)/log C), "
            + "entropy-correct (also 0 where the soft target's argmax is wrong) or uniform (ablation).")
    String weighting;

    @Option(names = "--heads", defaultValue = "three", description = "three (orig, clean, robust) or single "
            + "(ablation: one added head learns both terms).")
    String heads;

    @Option(names = "--calibration-images", defaultValue = "" + DistillSettings.DEFAULT_CALIBRATION_IMAGES,
            description = "Training images held out (from the end) to calibrate the head selection; 0: none.")
    int calibrationImages;

    @Option(names = "--calibration-severities", defaultValue = "1,2,3,4,5", split = ",", description = "Severities "
            + "of the 4 validation corruptions in the calibration split.")
    List<Integer> calibrationSeverities;

    @Mixin
    LoopOptions loop;

    @Override
    public Integer call() {
        RunModel s = RunModel.read(student);
        TrainConfig config = loop.toConfig(s.architecture(), s.options(), List.of(), DEFAULTS);
        var augmenter = augment.build(config.seed());
        if (augmenter == null) {
            throw new RobustifyException("distill needs an augmentation for the robust head; --augment none is not "
                    + "allowed here");
        }
        Path teacherRun = teacher.equalsIgnoreCase("none") ? null : Path.of(teacher);
        DistillSettings settings = new DistillSettings(student, teacherRun, tune, augmenter, temperature, alpha, beta,
                weighting(), singleHead(), calibrationImages, calibrationSeverities, config.seed());
        return TrainSummaries.print(new Trainer(config, DistillJob.factory(settings)).run(), config.out());
    }

    private DistillOptions.Weighting weighting() {
        return switch (weighting.toLowerCase(Locale.ROOT)) {
            case "entropy" -> DistillOptions.Weighting.ENTROPY;
            case "entropy-correct" -> DistillOptions.Weighting.ENTROPY_CORRECT;
            case "uniform" -> DistillOptions.Weighting.UNIFORM;
            default -> throw new RobustifyException("unknown --kd-weighting '" + weighting + "'; use entropy, "
                    + "entropy-correct or uniform");
        };
    }

    private boolean singleHead() {
        return switch (heads.toLowerCase(Locale.ROOT)) {
            case "three" -> false;
            case "single" -> true;
            default -> throw new RobustifyException("unknown --heads '" + heads + "'; use three or single");
        };
    }
}
