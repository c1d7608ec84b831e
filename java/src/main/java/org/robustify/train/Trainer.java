package org.robustify.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.global.torch;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.dist.Collectives;
import org.robustify.dist.DistEnv;
import org.robustify.dist.Shard;
import org.robustify.model.Parameters;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.Provenance;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;
import org.robustify.util.ResidentMemory;

/**
 * The training loop of every command (`train`, `teacher`, `finetune`, `distill`) on Fashion-MNIST; what a step does
 * is the {@link TrainingJob}'s. Writes into the output folder
 * <ul>
 * <li>{@code manifest.json}: provenance (config, seed, versions, data, commit), rewritten with the outcome;</li>
 * <li>{@code metrics.jsonl}: one JSON object per epoch;</li>
 * <li>{@code model.pt}: the weights after the last completed epoch (libtorch archive), replaced atomically;</li>
 * <li>{@code checkpoints/step-N/} + {@code checkpoint.json}: the latest {@link ResumableCheckpoint} (after each
 * epoch and every {@code --checkpoint-every} steps) and the pointer to it.</li>
 * </ul>
 * With {@code resume}, the run continues from the latest checkpoint and ends bit-identical to an uninterrupted one
 * (same threads). Randomness: the data order is a pure function of (seed, epoch); libtorch's default CPU generator
 * (used by initialisation, and by any future dropout or augmentation) is saved and restored with each checkpoint.
 */
public final class Trainer {
    public static final String MANIFEST = "manifest.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String WEIGHTS = "model.pt";
    public static final String CHECKPOINT_INFO = ResumableCheckpoint.POINTER;
    /** metrics.jsonl fields that measure the machine, not the training: they differ between identical runs. */
    public static final List<String> TIMING_METRICS = List.of("epoch_seconds", "images_per_second",
            "data_wait_seconds", "data_wait_fraction", "communication_seconds", "communication_share", "rss_bytes");

    private final TrainConfig config;
    private final TrainingJob.Factory factory;

    /** Plain supervised training ({@code robustify train}). */
    public Trainer(TrainConfig config) {
        this(config, SupervisedJob.factory(SupervisedJob.Options.plain()));
    }

    public Trainer(TrainConfig config, TrainingJob.Factory factory) {
        this.config = config;
        this.factory = factory;
    }

    /** Test accuracy and loss are NaN when the run stopped (--stop-after-steps) before finishing an epoch. */
    public record Summary(double testAccuracy, double testLoss, double trainSeconds, long steps,
            long trainableParameters, long totalParameters, boolean stopped) {}

    public Summary run() {
        NativeRuntime.init(config.threads());
        DistEnv env = DistEnv.fromEnvironment();
        factory.validate();
        if (env.writes()) {
            prepareOutput();
        } else if (config.resume() && !Files.isDirectory(config.out())) {
            throw new RobustifyException("rank " + env.rank() + ": --resume: " + config.out() + " does not exist "
                    + "here; every rank reads the checkpoint, so --out must be on a shared file system");
        }
        try (Collectives group = Collectives.open(env)) {
            return run(env, group);
        }
    }

    private Summary run(DistEnv env, Collectives group) {
        boolean writes = env.writes();
        Shard shard = Shard.of(env);
        Path dataDir = FashionMnist.resolveDir(config.dataDir());
        ImageDataset all = FashionMnist.load(dataDir, FashionMnist.Split.TRAIN);
        int held = factory.heldOut();
        if (held < 0 || held >= all.size()) {
            throw new RobustifyException("cannot hold out " + held + " of the " + all.size() + " training images");
        }
        ImageDataset heldOut = all.slice(all.size() - held, all.size());
        ImageDataset train = all.slice(0, all.size() - held).head(config.trainLimit());
        ImageDataset test = FashionMnist.load(dataDir, FashionMnist.Split.TEST).head(config.testLimit());

        torch.manual_seed(config.seed());
        TrainingJob job = factory.create(config, train, heldOut);
        NativeRuntime.useBlasThreadsFor(config.model());
        long trainable = Parameters.count(job.module(), true);
        long total = Parameters.count(job.module(), false);
        long globalBatch = (long) config.batchSize() * env.worldSize();
        int perEpoch = (int) ((train.size() + globalBatch - 1) / globalBatch);
        LrSchedule schedule = new LrSchedule(config.schedule(), config.learningRate(), config.warmupSteps(),
                (long) config.epochs() * perEpoch);

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataset", "fashion-mnist");
        data.put("dir", dataDir.toAbsolutePath().toString());
        data.put("train_images", train.size());
        data.put("held_out_images", heldOut.size());
        data.put("test_images", test.size());
        data.put("normalisation", Map.of("mean", FashionMnist.MEAN, "std", FashionMnist.STD));
        Map<String, Object> manifest = Provenance.manifest(factory.command(), runConfig(env), config.seed(), data);
        manifest.put("parameters", Map.of("trainable", trainable, "total", total));
        manifest.put("job", job.describe());
        DataParallel parallel = new DataParallel(group, job);
        manifest.put("distributed", parallel.describe(config.batchSize()));

        TrainingState state = TrainingState.start();
        if (config.resume()) {
            ResumableCheckpoint.Found found = ResumableCheckpoint.loadLatest(config.out());
            checkResumable(found, schedule, env);
            state = TrainingState.fromJson(found.state(), found.dir().toString());
            ResumableCheckpoint.restore(found.dir(), job.module(), job.optimizer());
            if (!writes) {
                state = state.withoutSums(); // the checkpoint's partial sums are global; rank 0 carries them
            }
            if (writes) {
                keepMetricsUpTo(state.epoch());
            }
            manifest.put("resumed_from", Map.of("checkpoint", config.out().relativize(found.dir()).toString(),
                    "global_step", state.globalStep(), "epoch", state.epoch(), "batch_in_epoch",
                    state.batchInEpoch()));
            say(writes, String.format(Locale.ROOT, "resuming from %s: step %d, epoch %d, batch %d of %d",
                    found.dir(), state.globalStep(), state.epoch() + 1, state.batchInEpoch(), perEpoch));
        }
        parallel.start();
        manifest.put("status", "running");
        if (writes) {
            Provenance.write(config.out().resolve(MANIFEST), manifest);
        }

        say(writes, String.format(Locale.ROOT, "training %s on %d images (%d trainable of %d parameters), %d "
                + "threads%s", job.architecture(), train.size(), trainable, total, NativeRuntime.threads(),
                env.distributed() ? String.format(Locale.ROOT, " per process, %d processes (batch %d each, %d in "
                        + "all)", env.worldSize(), config.batchSize(), globalBatch) : ""));
        long steps = state.globalStep();
        double trainSeconds = state.trainSeconds();
        Evaluation.Result last = null;
        boolean stopped = false;
        job.module().train(true);
        for (int epoch = state.epoch(); epoch < config.epochs() && !stopped; epoch++) {
            boolean continuing = epoch == state.epoch();
            int index = continuing ? state.batchInEpoch() : 0;
            double lossSum = continuing ? state.lossSum() : 0;
            long correct = continuing ? state.correct() : 0;
            long seen = continuing ? state.seen() : 0;
            long start = System.nanoTime();
            double commAtStart = group.communicationSeconds();
            double waitSeconds;
            try (BatchLoader loader = new BatchLoader(train, config.batchSize(), true, config.seed(), epoch, false, 4,
                    index, shard, job.preparer(epoch))) {
                ProgressBar bar = ProgressBar.shownIf(writes, String.format(Locale.ROOT, "epoch %d/%d", epoch + 1,
                        config.epochs()), loader.batchesPerEpoch());
                for (Batch b : loader) {
                    try (PointerScope scope = new PointerScope()) {
                        job.optimizer().setLearningRate(schedule.lr(steps));
                        parallel.weightNextStep(shard.weight(loader.globalRows(index)));
                        TrainingJob.StepOutcome o = b.size() > 0 ? job.step(b, epoch, steps) : parallel.emptyStep();
                        if (!Float.isFinite(o.loss())) {
                            throw new RobustifyException("training diverged: loss is " + o.loss() + " at epoch "
                                    + (epoch + 1) + " step " + (index + 1) + "; lower --lr");
                        }
                        lossSum += o.loss() * b.size();
                        correct += o.correct();
                        seen += b.size();
                    } finally {
                        b.releaseViews();
                    }
                    steps++;
                    bar.update(++index, String.format(Locale.ROOT, "loss %.4f", lossSum / Math.max(1, seen)));
                    if (index == perEpoch) {
                        break; // the epoch-end checkpoint below covers this step
                    }
                    stopped = config.stopAfterSteps() > 0 && steps >= config.stopAfterSteps();
                    if (stopped || (config.checkpointEvery() > 0 && steps % config.checkpointEvery() == 0)) {
                        double seconds = trainSeconds + (System.nanoTime() - start) / 1e9;
                        parallel.syncBuffers();
                        double[] sums = group.sum(new double[] {lossSum, correct, seen}, "checkpoint sums");
                        lossSum = writes ? sums[0] : 0;
                        correct = writes ? Math.round(sums[1]) : 0;
                        seen = writes ? Math.round(sums[2]) : 0;
                        if (writes) {
                            saveCheckpoint(job, schedule, manifest, new TrainingState(steps, epoch, index,
                                    sums[0], Math.round(sums[1]), Math.round(sums[2]), seconds), Map.of(), env);
                        }
                    }
                    if (stopped) {
                        break;
                    }
                }
                bar.finish(String.format(Locale.ROOT, "loss %.4f", lossSum / Math.max(1, seen)));
                waitSeconds = loader.waitSeconds();
            }
            double epochSeconds = (System.nanoTime() - start) / 1e9;
            double commSeconds = group.communicationSeconds() - commAtStart;
            trainSeconds += epochSeconds;
            if (stopped) {
                break;
            }
            parallel.syncBuffers();
            double[] sums = group.sum(new double[] {lossSum, correct, seen}, "epoch sums");
            double globalLoss = sums[0] / sums[2];
            double globalAccuracy = sums[1] / sums[2];
            last = Evaluation.evaluate(job.evaluated(), test, config.evalBatchSize(), FashionMnist.MEAN,
                    FashionMnist.STD, group);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("epoch", epoch + 1);
            metrics.put("steps", steps);
            metrics.put("train_loss", globalLoss);
            metrics.put("train_accuracy", globalAccuracy);
            metrics.put("test_loss", last.meanLoss());
            metrics.put("test_accuracy", last.accuracy());
            metrics.put("epoch_seconds", epochSeconds);
            metrics.put("images_per_second", sums[2] / epochSeconds);
            metrics.put("data_wait_seconds", waitSeconds);
            metrics.put("data_wait_fraction", waitSeconds / epochSeconds);
            if (env.distributed()) {
                metrics.put("communication_seconds", commSeconds);
                metrics.put("communication_share", commSeconds / epochSeconds);
            }
            metrics.put("rss_bytes", ResidentMemory.bytes());
            if (writes) {
                appendLine(config.out().resolve(METRICS), Json.line(metrics));
                Checkpoint.save(job.module(), config.out().resolve(WEIGHTS));
                saveCheckpoint(job, schedule, manifest,
                        new TrainingState(steps, epoch + 1, 0, 0, 0, 0, trainSeconds),
                        Map.of("weights", WEIGHTS, "metrics", metrics), env);
            }
            say(writes, String.format(Locale.ROOT, "epoch %d: train loss %.4f acc %.4f | test loss %.4f acc %.4f "
                    + "| %.1f s (waited %.1f%% on data%s)", epoch + 1, globalLoss, globalAccuracy, last.meanLoss(),
                    last.accuracy(), epochSeconds, 100 * waitSeconds / epochSeconds, env.distributed()
                            ? String.format(Locale.ROOT, ", %.1f%% in all-reduce", 100 * commSeconds / epochSeconds)
                            : ""));
            stopped = config.stopAfterSteps() > 0 && steps >= config.stopAfterSteps() && epoch + 1 < config.epochs();
        }
        Summary summary = new Summary(last == null ? Double.NaN : last.accuracy(),
                last == null ? Double.NaN : last.meanLoss(), trainSeconds, steps, trainable, total, stopped);
        group.barrier("end of training");
        if (!writes) {
            return summary; // rank 0 runs the job's final work (e.g. calibration) and writes the results
        }
        if (!stopped) {
            manifest.putAll(job.finish(config.out()));
        }
        manifest.put("status", stopped ? "stopped" : "completed");
        manifest.put("result", summary);
        Provenance.write(config.out().resolve(MANIFEST), manifest);
        return summary;
    }

    private static void say(boolean writes, String line) {
        if (writes) {
            System.err.println(line);
        }
    }

    /** The recorded configuration: the loop's settings plus the job's under "job". */
    private Map<String, Object> runConfig(DistEnv env) {
        Map<String, Object> m = new LinkedHashMap<>(config.asMap());
        m.put("world_size", env.worldSize()); // the global batch, hence the arithmetic, depends on it
        m.put("job", factory.options());
        return m;
    }

    private void saveCheckpoint(TrainingJob job, LrSchedule schedule,
            Map<String, Object> runManifest, TrainingState state, Map<String, Object> pointerExtra, DistEnv env) {
        Map<String, Object> s = new LinkedHashMap<>(state.asMap());
        s.put("architecture", job.architecture());
        s.put("scheduler", schedule.describe(state.globalStep()));
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("kind", job.optimizer().kind().label());
        opt.put("lr", job.optimizer().learningRate());
        opt.put("weight_decay", config.weightDecay());
        opt.put("betas", List.of(AdamOptimizer.BETA1, AdamOptimizer.BETA2));
        opt.put("eps", AdamOptimizer.EPS);
        opt.put("state", ResumableCheckpoint.OPTIMIZER);
        s.put("optimizer", opt);
        s.put("data_order", Map.of("seed", config.seed(), "epoch", state.epoch(), "batch_in_epoch",
                state.batchInEpoch(), "rule", "BatchLoader.permutation(size, seed, epoch)"));
        s.put("rng", Map.of("torch_cpu_generator", ResumableCheckpoint.RNG));
        s.put("config", runConfig(env));
        Map<String, Object> manifest = new LinkedHashMap<>(runManifest);
        manifest.put("status", "checkpoint");
        manifest.put("checkpoint", state.asMap());
        Map<String, Object> pointer = new LinkedHashMap<>();
        pointer.put("architecture", job.architecture());
        pointer.put("steps", state.globalStep());
        pointer.putAll(pointerExtra);
        ResumableCheckpoint.save(config.out(), state.globalStep(), job.module(), job.optimizer(), s, manifest,
                pointer);
    }

    /** A checkpoint continues only the run that wrote it: same config up to {@link TrainConfig#RESUMABLE_CHANGES}. */
    private void checkResumable(ResumableCheckpoint.Found found, LrSchedule schedule, DistEnv env) {
        JsonNode saved = found.state().path("config");
        JsonNode now;
        try {
            // Through text, as the saved one was: numbers then compare by value (11 as int == 11 as long).
            now = Json.MAPPER.readTree(Json.line(runConfig(env)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> diffs = new java.util.ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>();
        saved.fieldNames().forEachRemaining(keys::add);
        now.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            if (!TrainConfig.RESUMABLE_CHANGES.contains(k) && !saved.path(k).equals(now.path(k))) {
                diffs.add(k + ": checkpoint " + saved.path(k) + ", now " + now.path(k));
            }
        }
        if (!diffs.isEmpty()) {
            throw new RobustifyException("--resume: the config differs from the checkpoint's in "
                    + String.join("; ", diffs) + " (only --epochs, --checkpoint-every and --stop-after-steps may "
                    + "change)");
        }
        long savedTotal = found.state().path("scheduler").path("total_steps").asLong();
        if (LrSchedule.COSINE.equals(config.schedule()) && savedTotal != schedule.totalSteps()) {
            throw new RobustifyException("--resume: the cosine schedule spans all epochs (" + savedTotal
                    + " steps in the checkpoint, " + schedule.totalSteps() + " now); resume with --epochs "
                    + saved.path("epochs").asInt());
        }
        int epoch = found.state().path("epoch").asInt();
        if (epoch >= config.epochs()) {
            throw new RobustifyException("--resume: the checkpoint has already completed " + epoch + " epochs; "
                    + "pass --epochs above " + epoch + " to train further");
        }
        long stepsDone = found.state().path("global_step").asLong();
        if (config.stopAfterSteps() > 0 && stepsDone >= config.stopAfterSteps()) {
            throw new RobustifyException("--resume: the checkpoint is at step " + stepsDone + ", not before "
                    + "--stop-after-steps " + config.stopAfterSteps());
        }
    }

    /** Drops metrics lines of epochs after the checkpoint (written by the interrupted run after it saved). */
    private void keepMetricsUpTo(int epochs) {
        Path file = config.out().resolve(METRICS);
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            StringBuilder kept = new StringBuilder();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && Json.MAPPER.readTree(line).path("epoch").asInt() <= epochs) {
                    kept.append(line).append('\n');
                }
            }
            AtomicFiles.writeString(file, kept.toString());
        } catch (IOException e) {
            throw new RobustifyException("cannot rewrite " + file + ": " + e.getMessage(), e);
        }
    }

    /** Refuses to mix a new run into a folder holding another run's files, unless asked to overwrite or resume. */
    private void prepareOutput() {
        Path out = config.out();
        try {
            if (Files.isRegularFile(out)) {
                throw new RobustifyException("--out " + out + " is a file; give a directory");
            }
            if (config.resume()) {
                if (!Files.isDirectory(out)) {
                    throw new RobustifyException("--resume: " + out + " does not exist; nothing to resume");
                }
                return;
            }
            Files.createDirectories(out);
            boolean hasRun;
            try (Stream<Path> s = Files.list(out)) {
                hasRun = s.anyMatch(p -> List.of(MANIFEST, METRICS, WEIGHTS, CHECKPOINT_INFO,
                        ResumableCheckpoint.DIR).contains(p.getFileName().toString()));
            }
            if (hasRun && !config.overwrite()) {
                throw new RobustifyException("--out " + out + " already holds a run; choose another folder, pass "
                        + "--resume to continue it or --overwrite to replace it");
            }
            Files.deleteIfExists(out.resolve(METRICS));
        } catch (IOException e) {
            throw new RobustifyException("cannot prepare output folder " + out + ": " + e.getMessage(), e);
        }
    }

    private static void appendLine(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new RobustifyException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }
}
