package org.robustify.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.robustify.runtime.RobustifyException;
import org.robustify.train.RunModel;
import org.robustify.train.SupervisedJob;
import org.robustify.train.TrainConfig;
import org.robustify.train.Trainer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "finetune", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Fine-tune a trained model with an augmentation: the baselines of the method. --strategy full "
                + "--augment augmix is AugMix complete fine-tuning; 'partial' tunes the --tune blocks and the head "
                + "without a teacher; 'linear' the head only; 'bitfit' biases and head.")
final class FinetuneCommand implements Callable<Integer> {
    static final LoopOptions.Defaults DEFAULTS = new LoopOptions.Defaults(1, 128, "adamw", 3e-4, 1e-4, "cosine",
            50);

    @Option(names = "--from", required = true, paramLabel = "RUN", description = "The trained model (run folder or "
            + "its model.pt).")
    Path from;

    @Option(names = "--strategy", defaultValue = "full", description = "full, partial, linear or bitfit.")
    String strategy;

    @Option(names = "--tune", paramLabel = "SPEC", description = "What 'partial' trains besides the head (default "
            + "fraction:0.25); any freeze spec, e.g. last:2, blocks:5+7, glob:layer4.*.")
    String tune;

    @Mixin
    LoopOptions loop;

    @Mixin
    AugmentOptions augment;

    @Option(names = "--jsd-weight", defaultValue = "12", description = "Weight of the Jensen-Shannon consistency "
            + "loss (0: train on one augmented view).")
    double jsdWeight;

    @Override
    public Integer call() {
        RunModel init = RunModel.read(from);
        if (init.isBranched()) {
            throw new RobustifyException("--from " + from + " is a distill run; fine-tune the pre-trained model");
        }
        TrainConfig config = loop.toConfig(init.architecture(), init.options(), List.of(), DEFAULTS);
        var augmenter = augment.build(config.seed());
        var options = new SupervisedJob.Options("finetune", augmenter, augmenter == null ? 0 : jsdWeight, from,
                tuneSpec());
        return TrainSummaries.print(new Trainer(config, SupervisedJob.factory(options)).run(), config.out());
    }

    /** The freeze spec of a strategy; null trains everything. */
    private String tuneSpec() {
        String s = strategy.toLowerCase(Locale.ROOT);
        if (tune != null && !s.equals("partial")) {
            throw new RobustifyException("--tune applies to --strategy partial only");
        }
        return switch (s) {
            case "full" -> null;
            case "partial" -> (tune == null ? "fraction:0.25" : tune) + ",kind:head";
            case "linear" -> "kind:head";
            case "bitfit" -> "kind:bias,kind:head";
            default -> throw new RobustifyException("unknown --strategy '" + strategy + "'; use full, partial, linear "
                    + "or bitfit");
        };
    }
}
