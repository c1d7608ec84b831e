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

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.BatchTensors;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelZoo;
import org.robustify.model.Parameters;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.Provenance;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.AtomicFiles;
import org.robustify.util.Json;
import org.robustify.util.ResidentMemory;

/**
 * Supervised training on Fashion-MNIST: `robustify train`. Writes into the output folder
 * <ul>
 * <li>{@code manifest.json}: provenance (config, seed, versions, data, commit), rewritten with the outcome;</li>
 * <li>{@code metrics.jsonl}: one JSON object per epoch;</li>
 * <li>{@code model.pt} + {@code checkpoint.json}: weights and their epoch/metrics, both replaced atomically.</li>
 * </ul>
 */
public final class Trainer {
    public static final String MANIFEST = "manifest.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String WEIGHTS = "model.pt";
    public static final String CHECKPOINT_INFO = "checkpoint.json";

    private final TrainConfig config;

    public Trainer(TrainConfig config) {
        this.config = config;
    }

    public record Summary(double testAccuracy, double testLoss, double trainSeconds, long steps,
            long trainableParameters, long totalParameters) {}

    public Summary run() {
        NativeRuntime.init(config.threads());
        prepareOutput();
        Path dataDir = FashionMnist.resolveDir(config.dataDir());
        ImageDataset train = FashionMnist.load(dataDir, FashionMnist.Split.TRAIN).head(config.trainLimit());
        ImageDataset test = FashionMnist.load(dataDir, FashionMnist.Split.TEST).head(config.testLimit());

        torch.manual_seed(config.seed());
        ImageClassifier model = ModelZoo.create(config.model(),
                new InputSpec(train.channels(), train.height(), train.width(), train.numClasses()));
        List<String> frozen = Parameters.freeze(model.module(), config.freeze());
        TrainStep step = new TrainStep(model, config.learningRate(), config.weightDecay());
        long trainable = Parameters.count(model.module(), true);
        long total = Parameters.count(model.module(), false);

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataset", "fashion-mnist");
        data.put("dir", dataDir.toAbsolutePath().toString());
        data.put("train_images", train.size());
        data.put("test_images", test.size());
        data.put("normalisation", Map.of("mean", FashionMnist.MEAN, "std", FashionMnist.STD));
        Map<String, Object> manifest = Provenance.manifest("train", config.asMap(), config.seed(), data);
        manifest.put("parameters", Map.of("trainable", trainable, "total", total, "frozen", frozen));
        manifest.put("status", "running");
        Provenance.write(config.out().resolve(MANIFEST), manifest);

        System.err.printf(Locale.ROOT, "training %s on %d images (%d trainable of %d parameters), %d threads%n",
                config.model(), train.size(), trainable, total, NativeRuntime.threads());
        long steps = 0;
        double trainSeconds = 0;
        Evaluation.Result last = null;
        model.module().train(true);
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            long start = System.nanoTime();
            double lossSum = 0;
            long correct = 0;
            long seen = 0;
            try (BatchLoader loader = new BatchLoader(train, config.batchSize(), true, config.seed(), epoch, false, 4)) {
                ProgressBar bar = new ProgressBar(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1,
                        config.epochs()), loader.batchesPerEpoch());
                int index = 0;
                for (Batch b : loader) {
                    try (PointerScope scope = new PointerScope()) {
                        Tensor x = BatchTensors.images(b, FashionMnist.MEAN, FashionMnist.STD);
                        Tensor y = BatchTensors.labels(b);
                        TrainStep.Outcome o = step.step(x, y);
                        if (!Float.isFinite(o.loss())) {
                            throw new RobustifyException("training diverged: loss is " + o.loss() + " at epoch "
                                    + (epoch + 1) + " step " + (index + 1) + "; lower --lr");
                        }
                        lossSum += o.loss() * b.size();
                        correct += o.correct();
                        seen += b.size();
                    }
                    steps++;
                    bar.update(++index, String.format(Locale.ROOT, "loss %.4f", lossSum / seen));
                }
                bar.finish(String.format(Locale.ROOT, "loss %.4f", lossSum / Math.max(1, seen)));
            }
            double epochSeconds = (System.nanoTime() - start) / 1e9;
            trainSeconds += epochSeconds;
            last = Evaluation.evaluate(model, test, config.evalBatchSize(), FashionMnist.MEAN, FashionMnist.STD);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("epoch", epoch + 1);
            metrics.put("steps", steps);
            metrics.put("train_loss", lossSum / seen);
            metrics.put("train_accuracy", correct / (double) seen);
            metrics.put("test_loss", last.meanLoss());
            metrics.put("test_accuracy", last.accuracy());
            metrics.put("epoch_seconds", epochSeconds);
            metrics.put("images_per_second", seen / epochSeconds);
            metrics.put("rss_bytes", ResidentMemory.bytes());
            appendLine(config.out().resolve(METRICS), Json.line(metrics));
            Checkpoint.save(model.module(), config.out().resolve(WEIGHTS));
            AtomicFiles.writeString(config.out().resolve(CHECKPOINT_INFO), Json.pretty(Map.of(
                    "architecture", config.model(), "epoch", epoch + 1, "steps", steps, "weights", WEIGHTS,
                    "metrics", metrics)) + "\n");
            System.err.printf(Locale.ROOT, "epoch %d: train loss %.4f acc %.4f | test loss %.4f acc %.4f | %.1f s%n",
                    epoch + 1, lossSum / seen, correct / (double) seen, last.meanLoss(), last.accuracy(),
                    epochSeconds);
        }
        Summary summary = new Summary(last.accuracy(), last.meanLoss(), trainSeconds, steps, trainable, total);
        manifest.put("status", "completed");
        manifest.put("result", summary);
        Provenance.write(config.out().resolve(MANIFEST), manifest);
        return summary;
    }

    /** Refuses to mix a new run into a folder holding another run's files, unless asked to overwrite. */
    private void prepareOutput() {
        Path out = config.out();
        try {
            if (Files.isRegularFile(out)) {
                throw new RobustifyException("--out " + out + " is a file; give a directory");
            }
            Files.createDirectories(out);
            boolean hasRun;
            try (Stream<Path> s = Files.list(out)) {
                hasRun = s.anyMatch(p -> List.of(MANIFEST, METRICS, WEIGHTS, CHECKPOINT_INFO)
                        .contains(p.getFileName().toString()));
            }
            if (hasRun && !config.overwrite()) {
                throw new RobustifyException("--out " + out + " already holds a run; choose another folder or "
                        + "pass --overwrite");
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
