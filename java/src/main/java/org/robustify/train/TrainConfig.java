package org.robustify.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.robustify.model.ModelOptions;
import org.robustify.runtime.RobustifyException;

/**
 * Everything that determines a supervised training run; recorded verbatim in its manifest.
 *
 * @param optimizer       "adam" (L2 weight decay, libtorch's Adam) or "adamw" (decoupled)
 * @param schedule        {@link LrSchedule#CONSTANT} or {@link LrSchedule#COSINE} (cosine spans all epochs)
 * @param checkpointEvery also checkpoint every N global steps (0 = only at epoch ends)
 * @param stopAfterSteps  end the run after this many global steps, with a checkpoint (0 = run all epochs); for
 *                        splitting a long run over time-limited jobs
 * @param resume          continue from the latest checkpoint in {@code out}
 */
public record TrainConfig(String model, int epochs, int batchSize, double learningRate, double weightDecay,
        long seed, int threads, int trainLimit, int testLimit, int evalBatchSize, Path dataDir, Path out,
        List<String> freeze, boolean overwrite, String optimizer, String schedule, long warmupSteps,
        long checkpointEvery, long stopAfterSteps, boolean resume, ModelOptions modelOptions) {

    /**
     * Keys of {@link #asMap()} that may change between a run and its resumption: they do not change the
     * arithmetic (epochs only extends the run; the cosine horizon it implies is checked separately).
     */
    public static final Set<String> RESUMABLE_CHANGES = Set.of("epochs", "out", "resume", "checkpoint_every",
            "stop_after_steps");

    public TrainConfig {
        org.robustify.model.ModelZoo.requireKnown(model);
        if (epochs < 1) {
            throw new RobustifyException("--epochs must be >= 1; got " + epochs);
        }
        if (batchSize < 1) {
            throw new RobustifyException("--batch-size must be >= 1; got " + batchSize);
        }
        if (evalBatchSize < 1) {
            throw new RobustifyException("--eval-batch-size must be >= 1; got " + evalBatchSize);
        }
        if (trainLimit < 0 || testLimit < 0) {
            throw new RobustifyException("--limit and --test-limit must be >= 0 (0 = all)");
        }
        if (out == null) {
            throw new RobustifyException("--out DIR is required");
        }
        if (checkpointEvery < 0 || stopAfterSteps < 0) {
            throw new RobustifyException("--checkpoint-every and --stop-after-steps must be >= 0 (0 = off)");
        }
        if (resume && overwrite) {
            throw new RobustifyException("--resume and --overwrite contradict each other: pick one");
        }
        AdamOptimizer.Kind.parse(optimizer);
        new LrSchedule(schedule, learningRate, warmupSteps, Long.MAX_VALUE); // validates kind and warm-up
        freeze = List.copyOf(freeze);
        modelOptions = modelOptions == null ? ModelOptions.DEFAULT : modelOptions;
    }

    /** The original form: Adam, constant rate, epoch-end checkpoints, default architecture options. */
    public TrainConfig(String model, int epochs, int batchSize, double learningRate, double weightDecay,
            long seed, int threads, int trainLimit, int testLimit, int evalBatchSize, Path dataDir, Path out,
            List<String> freeze, boolean overwrite) {
        this(model, epochs, batchSize, learningRate, weightDecay, seed, threads, trainLimit, testLimit,
                evalBatchSize, dataDir, out, freeze, overwrite, "adam", LrSchedule.CONSTANT, 0, 0, 0, false,
                ModelOptions.DEFAULT);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("stem", modelOptions.stem());
        m.put("patch_size", modelOptions.patchSize());
        m.put("vit_depth", modelOptions.vitDepth());
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("optimizer", optimizer);
        m.put("learning_rate", learningRate);
        m.put("weight_decay", weightDecay);
        m.put("schedule", schedule);
        m.put("warmup_steps", warmupSteps);
        m.put("seed", seed);
        m.put("threads", threads);
        m.put("train_limit", trainLimit);
        m.put("test_limit", testLimit);
        m.put("eval_batch_size", evalBatchSize);
        m.put("data_dir", dataDir == null ? null : dataDir.toString());
        m.put("out", out.toString());
        m.put("freeze", freeze);
        m.put("checkpoint_every", checkpointEvery);
        m.put("stop_after_steps", stopAfterSteps);
        m.put("resume", resume);
        return m;
    }
}
