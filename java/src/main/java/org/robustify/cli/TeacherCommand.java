package org.robustify.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.robustify.train.SupervisedJob;
import org.robustify.train.TrainConfig;
import org.robustify.train.Trainer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "teacher", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Stage 1 of the method: train the small robust teacher with AugMix (and its Jensen-Shannon "
                + "consistency loss), PixMix or corruptions. Writes what 'train' writes; resumes with --resume.")
final class TeacherCommand implements Callable<Integer> {
    static final LoopOptions.Defaults DEFAULTS = new LoopOptions.Defaults(5, 128, "adamw", 2e-3, 1e-4, "cosine",
            100);

    @Option(names = "--model", defaultValue = "cnn-small", description = "Architecture: ${COMPLETION-CANDIDATES}.",
            completionCandidates = TrainCommand.Models.class)
    String model;

    @Mixin
    ArchitectureOptions architecture;

    @Mixin
    LoopOptions loop;

    @Mixin
    AugmentOptions augment;

    @Option(names = "--jsd-weight", defaultValue = "12", description = "Weight of the Jensen-Shannon consistency "
            + "loss over the clean image and two augmented views (0: train on one augmented view).")
    double jsdWeight;

    @Override
    public Integer call() {
        TrainConfig config = loop.toConfig(model, architecture.toModelOptions(), List.of(), DEFAULTS);
        var augmenter = augment.build(config.seed());
        var options = new SupervisedJob.Options("teacher", augmenter, augmenter == null ? 0 : jsdWeight, null, null);
        return TrainSummaries.print(new Trainer(config, SupervisedJob.factory(options)).run(), config.out());
    }
}
