package org.robustify.cli;

import java.nio.file.Path;
import java.util.List;

import org.robustify.model.ModelOptions;
import org.robustify.train.TrainConfig;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The training loop's options, shared by train, teacher, finetune and distill (picocli mixin). Options whose
 * sensible default differs by command (epochs, optimiser, rate, schedule, warm-up, batch size) have none here: the
 * command passes its {@link Defaults}.
 */
final class LoopOptions {
    /** A command's defaults for the options left unset. */
    record Defaults(int epochs, int batchSize, String optimizer, double lr, double weightDecay, String schedule,
            long warmupSteps) {}

    @Option(names = "--epochs", description = "Passes over the training set (default: the command's).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Images per step (default: the command's).")
    Integer batchSize;

    @Option(names = "--optimizer", description = "adam (L2 weight decay) or adamw (decoupled weight decay).")
    String optimizer;

    @Option(names = "--lr", description = "Base learning rate.")
    Double lr;

    @Option(names = "--weight-decay", description = "Weight decay (L2 for adam, decoupled for adamw).")
    Double weightDecay;

    @Option(names = "--schedule", description = "Learning-rate schedule: constant, or cosine (to 0 at the end of "
            + "--epochs).")
    String schedule;

    @Option(names = "--warmup-steps", description = "Linear warm-up steps (both schedules).")
    Long warmupSteps;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "N", description = "Also checkpoint "
            + "every N steps (0: at epoch ends only).")
    long checkpointEvery;

    @Option(names = "--stop-after-steps", defaultValue = "0", paramLabel = "N", description = "Stop after N steps "
            + "in all, with a checkpoint (0: run all epochs); continue later with --resume.")
    long stopAfterSteps;

    @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoint (same "
            + "options; only --epochs, --checkpoint-every and --stop-after-steps may change).")
    boolean resume;

    @Option(names = "--seed", defaultValue = "0", description = "Seeds initialisation, data order and augmentations.")
    long seed;

    @Mixin
    ThreadsOption threads;

    @Mixin
    LaunchOption launch;

    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N images only (0 = all).")
    int limit;

    @Option(names = "--test-limit", defaultValue = "0", description = "Evaluate on the first N test images (0 = all).")
    int testLimit;

    @Option(names = "--eval-batch-size", defaultValue = "500")
    int evalBatchSize;

    @Mixin
    DataDirOption data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--overwrite", description = "Replace a previous run in --out.")
    boolean overwrite;

    TrainConfig toConfig(String model, ModelOptions modelOptions, List<String> freeze, Defaults d) {
        return new TrainConfig(model, or(epochs, d.epochs()), or(batchSize, d.batchSize()), or(lr, d.lr()),
                or(weightDecay, d.weightDecay()), seed, threads.resolve(), limit, testLimit, evalBatchSize, data.dir, out,
                freeze, overwrite, or(optimizer, d.optimizer()), or(schedule, d.schedule()),
                or(warmupSteps, d.warmupSteps()), checkpointEvery, stopAfterSteps, resume, modelOptions);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
