package org.robustify.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.robustify.runtime.RobustifyException;

/** Everything that determines a supervised training run; recorded verbatim in its manifest. */
public record TrainConfig(String model, int epochs, int batchSize, double learningRate, double weightDecay,
        long seed, int threads, int trainLimit, int testLimit, int evalBatchSize, Path dataDir, Path out,
        List<String> freeze, boolean overwrite) {

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
        freeze = List.copyOf(freeze);
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("optimizer", "adam");
        m.put("learning_rate", learningRate);
        m.put("weight_decay", weightDecay);
        m.put("seed", seed);
        m.put("threads", threads);
        m.put("train_limit", trainLimit);
        m.put("test_limit", testLimit);
        m.put("eval_batch_size", evalBatchSize);
        m.put("data_dir", dataDir == null ? null : dataDir.toString());
        m.put("out", out.toString());
        m.put("freeze", freeze);
        return m;
    }
}
