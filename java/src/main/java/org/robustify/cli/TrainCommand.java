package org.robustify.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.robustify.model.ModelZoo;
import org.robustify.train.TrainConfig;
import org.robustify.train.Trainer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Train a model from the zoo on Fashion-MNIST; writes metrics.jsonl, model.pt, manifest.json, "
                + "and a resumable checkpoint (checkpoints/step-N/ with model, optimizer and RNG state, named by "
                + "checkpoint.json) to --out after every epoch; --resume continues it exactly.")
final class TrainCommand implements Callable<Integer> {
    static final LoopOptions.Defaults DEFAULTS = new LoopOptions.Defaults(1, 64, "adam", 1e-3, 0, "constant", 0);

    @Option(names = "--model", defaultValue = "cnn-small", description = "Architecture: ${COMPLETION-CANDIDATES}.",
            completionCandidates = Models.class)
    String model;

    @Mixin
    ArchitectureOptions architecture;

    @Mixin
    LoopOptions loop;

    @Option(names = "--freeze", split = ",", paramLabel = "GLOB", description = "Freeze parameters whose names "
            + "match, e.g. conv1.*,*.bias.")
    List<String> freeze = new ArrayList<>();

    @Override
    public Integer call() {
        TrainConfig config = loop.toConfig(model, architecture.toModelOptions(), freeze, DEFAULTS);
        return TrainSummaries.print(new Trainer(config).run(), config.out());
    }

    static final class Models extends ArrayList<String> {
        Models() {
            super(ModelZoo.NAMES);
        }
    }
}
