package org.robustify.tradeoff;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.data.ImageDataset;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.ModelZoo;
import org.robustify.model.Parameters;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.AdamOptimizer;
import org.robustify.train.Checkpoint;
import org.robustify.train.LrSchedule;

/**
 * The study's "pre-trained" model: either given ({@code --pretrained}, a run folder or model.pt of {@code robustify
 * train} with the same model options and 10 classes), or trained here on {@link TradeoffData#pretrain()} (AdamW
 * 1e-3, wd 0.05, batch 64, cosine with 10% warm-up) and cached under {@code cache/KEY/model.pt}, KEY naming everything that
 * determines it. Fine-tuning copies every parameter and buffer but the head into a fresh 10-class model.
 */
final class Pretrained {
    private static final double LR = 1e-3;
    private static final double WEIGHT_DECAY = 0.05;
    static final int BATCH = 64;

    private Pretrained() {}

    static ModelOptions options(TradeoffSettings s) {
        return new ModelOptions(null, s.patchSize(), s.depth());
    }

    record Source(ImageClassifier model, Map<String, Object> description) {}

    static Source given(TradeoffSettings s, Path runOrFile, InputSpec spec) {
        Path file = Files.isDirectory(runOrFile) ? runOrFile.resolve("model.pt") : runOrFile;
        if (!Files.isRegularFile(file)) {
            throw new RobustifyException("--pretrained " + runOrFile + ": no model.pt there");
        }
        ImageClassifier m = ModelZoo.create(s.model(), spec, options(s));
        try {
            Checkpoint.load(m.module(), file);
        } catch (RuntimeException e) {
            throw new RobustifyException("--pretrained " + file + " is not a " + s.model() + " with depth "
                    + s.depth() + " and patch size " + s.patchSize() + ": " + e.getMessage(), e);
        }
        return new Source(m, Map.of("kind", "given", "file", file.toAbsolutePath().toString()));
    }

    static Source cached(TradeoffSettings s, Path cache, ImageDataset data) {
        int batchSize = BATCH;
        String key = String.format(Locale.ROOT, "tradeoff-pretrain-%s-d%d-p%d-c%d-n%d-steps%d-b%d-s%d", s.model(),
                s.depth(), s.patchSize(), data.numClasses(), data.size(), s.pretrainSteps(), batchSize, s.seed());
        Path file = cache.resolve(key).resolve("model.pt");
        InputSpec spec = new InputSpec(data.channels(), data.height(), data.width(), data.numClasses());
        torch.manual_seed(s.seed());
        ImageClassifier m = ModelZoo.create(s.model(), spec, options(s));
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", "pretrained here");
        d.put("task", "first half of the training split, classes 0.." + (data.numClasses() - 1) + " only");
        d.put("images", data.size());
        d.put("steps", s.pretrainSteps());
        d.put("batch_size", batchSize);
        d.put("lr", LR);
        d.put("weight_decay", WEIGHT_DECAY);
        d.put("file", file.toAbsolutePath().toString());
        if (Files.isRegularFile(file)) {
            Checkpoint.load(m.module(), file);
            d.put("cache_hit", true);
            return new Source(m, d);
        }
        System.err.printf(Locale.ROOT, "pre-training %s on %d images (%d classes), %d steps%n", s.model(),
                data.size(), data.numClasses(), s.pretrainSteps());
        AdamOptimizer opt = AdamOptimizer.forTrainable(m.module(), AdamOptimizer.Kind.ADAMW, LR, WEIGHT_DECAY);
        LrSchedule schedule = new LrSchedule(LrSchedule.COSINE, LR, s.pretrainSteps() / 10, s.pretrainSteps());
        double seconds = TrainLoop.run(m, opt, schedule, data, batchSize, s.pretrainSteps(), s.seed(),
                (step, loss, sec) -> { });
        Checkpoint.save(m.module(), file);
        d.put("cache_hit", false);
        d.put("train_seconds", seconds);
        return new Source(m, d);
    }

    /** Copies every parameter and buffer of {@code from} except the head into {@code to} (same architecture). */
    static void copyBackbone(ImageClassifier from, ImageClassifier to, String headPrefix) {
        copy(Parameters.named(from.module()), Parameters.named(to.module()), headPrefix);
        copy(Parameters.namedBuffers(from.module()), Parameters.namedBuffers(to.module()), headPrefix);
    }

    private static void copy(Map<String, Tensor> from, Map<String, Tensor> to, String headPrefix) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : to.entrySet()) {
                if (e.getKey().startsWith(headPrefix)) {
                    continue;
                }
                Tensor src = from.get(e.getKey());
                if (src == null) {
                    throw new RobustifyException("the pre-trained model has no '" + e.getKey() + "'");
                }
                e.getValue().copy_(src);
            }
        }
    }
}
