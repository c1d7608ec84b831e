package org.robustify.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.robustify.model.ModelZoo;
import org.robustify.runtime.NativeRuntime;
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
    @Option(names = "--model", defaultValue = "cnn-small", description = "Architecture: ${COMPLETION-CANDIDATES}.",
            completionCandidates = Models.class)
    String model;

    @Mixin
    ArchitectureOptions architecture;

    @Option(names = "--epochs", defaultValue = "1", description = "Passes over the training set.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam (L2 weight decay) or adamw "
            + "(decoupled weight decay).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Base learning rate.")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "constant", description = "Learning-rate schedule: constant, or "
            + "cosine (to 0 at the end of --epochs).")
    String schedule;

    @Option(names = "--warmup-steps", defaultValue = "0", description = "Linear warm-up steps (both schedules).")
    long warmupSteps;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "N", description = "Also checkpoint "
            + "every N steps (0: at epoch ends only).")
    long checkpointEvery;

    @Option(names = "--stop-after-steps", defaultValue = "0", paramLabel = "N", description = "Stop after N steps "
            + "in all, with a checkpoint (0: run all epochs); continue later with --resume.")
    long stopAfterSteps;

    @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoint (same "
            + "options; only --epochs, --checkpoint-every and --stop-after-steps may change).")
    boolean resume;

    @Option(names = "--seed", defaultValue = "0", description = "Seeds initialisation and data order.")
    long seed;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N images only (0 = all).")
    int limit;

    @Option(names = "--test-limit", defaultValue = "0", description = "Evaluate on the first N test images (0 = all).")
    int testLimit;

    @Option(names = "--eval-batch-size", defaultValue = "500")
    int evalBatchSize;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder with the Fashion-MNIST IDX files "
            + "(default: $ROBUSTIFY_FASHION_MNIST or /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--freeze", split = ",", paramLabel = "GLOB", description = "Freeze parameters whose names "
            + "match, e.g. conv1.*,*.bias.")
    List<String> freeze = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--overwrite", description = "Replace a previous run in --out.")
    boolean overwrite;

    @Override
    public Integer call() {
        int t = threads.resolve();
        TrainConfig config = new TrainConfig(model, epochs, batchSize, lr, weightDecay, seed, t, limit, testLimit,
                evalBatchSize, data, out, freeze, overwrite, optimizer, schedule, warmupSteps, checkpointEvery,
                stopAfterSteps, resume, architecture.toModelOptions());
        Trainer.Summary s = new Trainer(config).run();
        if (s.stopped()) {
            System.out.printf(Locale.ROOT, "stopped after %d steps as asked; continue with --resume --out %s%n",
                    s.steps(), out);
            return 0;
        }
        System.out.printf(Locale.ROOT, "test accuracy %.4f (loss %.4f) after %d steps, %.1f s of training; "
                + "results in %s%n", s.testAccuracy(), s.testLoss(), s.steps(), s.trainSeconds(), out);
        return 0;
    }

    static final class Models extends ArrayList<String> {
        Models() {
            super(ModelZoo.NAMES);
        }
    }
}
