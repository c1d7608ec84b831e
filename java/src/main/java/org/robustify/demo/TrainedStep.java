package org.robustify.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

import org.robustify.runtime.RobustifyException;
import org.robustify.train.ResumableCheckpoint;
import org.robustify.train.TrainConfig;
import org.robustify.train.Trainer;
import org.robustify.train.TrainingJob;
import org.robustify.util.Json;

/**
 * One training stage of the demo in its own run folder, done at most once: a folder whose manifest says "completed"
 * (with the same configuration) is reused, one with a checkpoint is resumed, anything else starts afresh. So an
 * interrupted demo, rerun with the same options, continues where it stopped.
 */
final class TrainedStep {
    /** What the demo needs of a finished stage. */
    record Done(Path dir, double trainSeconds, double testAccuracy, long trainable, long total, boolean reused,
            double dataWaitFraction) {}

    private TrainedStep() {}

    static Done run(String label, TrainConfig config, TrainingJob.Factory factory) {
        Path dir = config.out();
        JsonNode manifest = readManifest(dir);
        if (manifest != null && "completed".equals(manifest.path("status").asText())) {
            if (!sameConfig(manifest, config, factory)) {
                throw new RobustifyException(label + ": " + dir + " holds a completed run with another configuration; "
                        + "remove it or choose another --out/--cache");
            }
            System.err.printf("%s: reusing %s%n", label, dir);
            return done(dir, manifest, true);
        }
        boolean resume = Files.isRegularFile(dir.resolve(ResumableCheckpoint.POINTER));
        TrainConfig c = new TrainConfig(config.model(), config.epochs(), config.batchSize(), config.learningRate(),
                config.weightDecay(), config.seed(), config.threads(), config.trainLimit(), config.testLimit(),
                config.evalBatchSize(), config.dataDir(), dir, config.freeze(), !resume, config.optimizer(),
                config.schedule(), config.warmupSteps(), config.checkpointEvery(), 0, resume, config.modelOptions());
        System.err.printf("%s: %s in %s%n", label, resume ? "resuming" : "training", dir);
        new Trainer(c, factory).run();
        return done(dir, readManifest(dir), false);
    }

    private static Done done(Path dir, JsonNode manifest, boolean reused) {
        JsonNode result = manifest.path("result");
        return new Done(dir, result.path("trainSeconds").asDouble(), result.path("testAccuracy").asDouble(),
                result.path("trainableParameters").asLong(), result.path("totalParameters").asLong(), reused,
                dataWaitFraction(dir));
    }

    /** The share of the stage's training time spent waiting for batches (NaN for runs from before it was logged). */
    static double dataWaitFraction(Path dir) {
        double waited = 0;
        double total = 0;
        try {
            for (String line : Files.readAllLines(dir.resolve(Trainer.METRICS))) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode m = Json.MAPPER.readTree(line);
                if (!m.has("data_wait_seconds")) {
                    return Double.NaN;
                }
                waited += m.path("data_wait_seconds").asDouble();
                total += m.path("epoch_seconds").asDouble();
            }
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + dir.resolve(Trainer.METRICS) + ": " + e.getMessage(), e);
        }
        return total > 0 ? waited / total : Double.NaN;
    }

    private static boolean sameConfig(JsonNode manifest, TrainConfig config, TrainingJob.Factory factory) {
        JsonNode saved = manifest.path("config");
        try {
            JsonNode job = Json.MAPPER.readTree(Json.line(factory.options()));
            return saved.path("model").asText().equals(config.model())
                    && saved.path("epochs").asInt() == config.epochs()
                    && saved.path("seed").asLong() == config.seed()
                    && saved.path("train_limit").asInt() == config.trainLimit()
                    && saved.path("learning_rate").asDouble() == config.learningRate()
                    && saved.path("job").equals(job);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode readManifest(Path dir) {
        Path f = dir.resolve(Trainer.MANIFEST);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(Files.readString(f));
        } catch (IOException e) {
            throw new RobustifyException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }
}
