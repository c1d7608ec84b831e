package org.robustify.eval;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.corrupt.CorruptOptions;
import org.robustify.corrupt.Corruption;
import org.robustify.corrupt.Corruptions;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.BatchTensors;
import org.robustify.data.ImageDataset;
import org.robustify.model.ImageClassifier;
import org.robustify.runtime.Profiling;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.ImageLayout;
import org.robustify.tensor.Preprocess;
import org.robustify.train.ProgressBar;

/**
 * Accuracy and NLL of a predictor on clean images and on every (corruption, severity) of a list, corrupting on the
 * fly. Each clean batch is read once and corrupted once per cell; sample ids are dataset indices, so the corrupted
 * images, and therefore the results, do not depend on the batch size.
 */
public final class CorruptionSuite {
    private CorruptionSuite() {}

    /** Runs the suite on a model, in eval mode (its training flag is restored afterwards). */
    public static SuiteResult run(ImageClassifier model, ImageDataset data, float[] mean, float[] std,
            SuiteOptions options) {
        boolean wasTraining = model.module().is_training();
        model.module().eval();
        try {
            return run(Predictor.of(model), data, mean, std, options);
        } finally {
            model.module().train(wasTraining);
        }
    }

    /** Runs the suite on a predictor; the caller has put any model behind it in eval mode. */
    public static SuiteResult run(Predictor predictor, ImageDataset data, float[] mean, float[] std,
            SuiteOptions options) {
        if (predictor == null) {
            throw new RobustifyException("predictor is null");
        }
        if (data == null || data.size() == 0) {
            throw new RobustifyException("the evaluation dataset is " + (data == null ? "null" : "empty"));
        }
        SuiteOptions o = options != null ? options : SuiteOptions.defaults();
        ImageDataset images = data.head(o.limit());
        List<Corruption> corruptions = o.corruptions();
        int[] severities = o.severities();
        int cells = corruptions.size() * severities.length;

        Tally clean = new Tally();
        Tally[][] tallies = new Tally[corruptions.size()][severities.length];
        for (Tally[] row : tallies) {
            for (int j = 0; j < row.length; j++) {
                row[j] = new Tally();
            }
        }
        CorruptOptions corruptOptions = o.engine();
        ProgressBar progress = o.progress()
                ? new ProgressBar("corruption suite (" + corruptions.size() + "x" + severities.length + ")",
                        (long) images.size() * (1 + cells))
                : null;
        long corruptNanos = 0;
        long modelNanos = 0;
        long start = System.nanoTime();
        long done = 0;
        try (var range = Profiling.range("eval/suite");
                BatchLoader loader = new BatchLoader(images, o.batchSize(), false, 0, 0, false, 2)) {
            for (Batch b : loader) {
                try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                    Tensor labels = BatchTensors.labels(b);
                    long t0 = System.nanoTime();
                    score(predictor, BatchTensors.images(b, mean, std), labels, clean, o.hook(),
                            Corruption.IDENTITY, 0, b);
                    modelNanos += System.nanoTime() - t0;
                    if (cells > 0) {
                        Tensor raw = rawImages(b);
                        long[] ids = sampleIds(b);
                        for (int i = 0; i < corruptions.size(); i++) {
                            for (int j = 0; j < severities.length; j++) {
                                // One scope per cell: a 15x5 suite would otherwise hold 75 copies of the batch.
                                try (PointerScope cell = new PointerScope()) {
                                    long c0 = System.nanoTime();
                                    Tensor corrupted = Corruptions.apply(raw, ImageLayout.NHWC, corruptions.get(i),
                                            severities[j], ids, corruptOptions);
                                    long c1 = System.nanoTime();
                                    Tensor x = Preprocess.normalize(corrupted, ImageLayout.NHWC, mean, std);
                                    score(predictor, x, labels, tallies[i][j], o.hook(), corruptions.get(i),
                                            severities[j], b);
                                    corruptNanos += c1 - c0;
                                    modelNanos += System.nanoTime() - c1;
                                }
                            }
                        }
                    }
                }
                done += (long) b.size() * (1 + cells);
                if (progress != null) {
                    progress.update(done, String.format(Locale.ROOT, "clean acc %.4f", clean.accuracy()));
                }
            }
        }
        if (progress != null) {
            progress.finish(String.format(Locale.ROOT, "clean acc %.4f", clean.accuracy()));
        }
        double total = (System.nanoTime() - start) / 1e9;

        Map<String, double[]> accuracy = new LinkedHashMap<>();
        Map<String, double[]> nll = new LinkedHashMap<>();
        for (int i = 0; i < corruptions.size(); i++) {
            double[] a = new double[severities.length];
            double[] l = new double[severities.length];
            for (int j = 0; j < severities.length; j++) {
                a[j] = tallies[i][j].accuracy();
                l[j] = tallies[i][j].meanNll();
            }
            accuracy.put(corruptions.get(i).nativeName(), a);
            nll.put(corruptions.get(i).nativeName(), l);
        }
        return new SuiteResult(clean.accuracy(), clean.meanNll(), clean.total, severities, accuracy, nll, o.seed(),
                new SuiteResult.Timing(total, corruptNanos / 1e9, modelNanos / 1e9));
    }

    private static void score(Predictor predictor, Tensor x, Tensor labels, Tally tally, BatchHook hook,
            Corruption corruption, int severity, Batch b) {
        Tensor logits = predictor.logits(x);
        if (logits == null || logits.dim() != 2 || logits.size(0) != b.size()) {
            throw new RobustifyException("the predictor must return [N, C] logits for a batch of " + b.size()
                    + " images; got " + (logits == null ? "null" : logits.sizes().vec().toString()));
        }
        // Same reduction as train.Evaluation, so clean numbers agree with it exactly.
        tally.nllSum += cross_entropy(logits, labels).item_float() * b.size();
        tally.correct += logits.argmax(new LongOptional(1), false).eq(labels).sum().item_long();
        tally.total += b.size();
        if (hook != null) {
            hook.onBatch(corruption, severity, b, logits);
        }
    }

    /** uint8 NHWC pixels as a libtorch-owned tensor (the engine runs after the Java bytes may be gone). */
    private static Tensor rawImages(Batch b) {
        try (BytePointer bytes = new BytePointer(b.pixels())) {
            return torch.from_blob(bytes, new long[] {b.size(), b.height(), b.width(), b.channels()},
                    new TensorOptions(ScalarType.Byte)).clone();
        }
    }

    private static long[] sampleIds(Batch b) {
        long[] ids = new long[b.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = b.indices()[i];
        }
        return ids;
    }

    private static final class Tally {
        long correct;
        long total;
        double nllSum;

        double accuracy() {
            return total == 0 ? 0 : correct / (double) total;
        }

        double meanNll() {
            return total == 0 ? 0 : nllSum / total;
        }
    }
}
