package org.robustify.eval;

import static org.bytedeco.pytorch.global.torch.cross_entropy;

import java.util.HashMap;
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
import org.robustify.dist.ShardedBatches;
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
    /**
     * Where a cell's corrupted images come from: the engine on the fly (the default), or e.g. files written by
     * {@code robustify corrupt}. Called inside the cell's PointerScope and NoGradGuard.
     */
    @FunctionalInterface
    public interface CellSource {
        /**
         * @param raw the clean batch, uint8 NHWC
         * @param ids each image's index in the evaluated dataset
         * @return the corrupted batch, uint8 NHWC of the same shape
         */
        Tensor images(Tensor raw, Corruption corruption, int severity, long[] ids);
    }

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
        SuiteOptions o = options != null ? options : SuiteOptions.defaults();
        return run(predictor, data, mean, std, o, engine(o));
    }

    /** The engine corrupting on the fly with {@code o}'s settings. */
    public static CellSource engine(SuiteOptions o) {
        CorruptOptions engine = o.engine();
        return (raw, c, s, ids) -> Corruptions.apply(raw, ImageLayout.NHWC, c, s, ids, engine);
    }

    /** As above, with the corrupted images taken from {@code source} instead of the engine. */
    public static SuiteResult run(Predictor predictor, ImageDataset data, float[] mean, float[] std,
            SuiteOptions options, CellSource source) {
        return run(predictor, data, mean, std, options, source, ShardedBatches.single());
    }

    /**
     * Sharded by whole batches over the ranks of {@code shards}: every rank returns the one-process result, bit for
     * bit (each batch's per-cell sums are exchanged and added up in batch order). A {@link BatchHook} sees this
     * rank's batches only.
     */
    public static SuiteResult run(Predictor predictor, ImageDataset data, float[] mean, float[] std,
            SuiteOptions options, CellSource source, ShardedBatches shards) {
        if (source == null) {
            throw new RobustifyException("the source of corrupted images is null");
        }
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

        Tally running = new Tally(); // this rank's clean numbers, for the progress line
        Map<Integer, double[]> own = new HashMap<>();
        int batches = 0;
        ProgressBar progress = o.progress()
                ? ProgressBar.shownIf(shards.reports(), "corruption suite (" + corruptions.size() + "x"
                        + severities.length + ")", (long) images.size() * (1 + cells))
                : null;
        long corruptNanos = 0;
        long modelNanos = 0;
        long start = System.nanoTime();
        long done = 0;
        try (var range = Profiling.range("eval/suite");
                BatchLoader loader = new BatchLoader(images, o.batchSize(), false, 0, 0, false, 2)) {
            for (Batch b : loader) {
                int index = batches++;
                if (!shards.mine(index)) {
                    continue;
                }
                double[] record = new double[Tally.RECORD * (1 + cells)];
                own.put(index, record);
                try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                    Tensor labels = BatchTensors.labels(b);
                    long t0 = System.nanoTime();
                    score(predictor, BatchTensors.images(b, mean, std), labels, record, 0, o.hook(),
                            Corruption.IDENTITY, 0, b);
                    running.add(record, 0);
                    modelNanos += System.nanoTime() - t0;
                    if (cells > 0) {
                        Tensor raw = rawImages(b);
                        long[] ids = sampleIds(b);
                        for (int i = 0; i < corruptions.size(); i++) {
                            for (int j = 0; j < severities.length; j++) {
                                // One scope per cell: a 15x5 suite would otherwise hold 75 copies of the batch.
                                try (PointerScope cell = new PointerScope()) {
                                    long c0 = System.nanoTime();
                                    Tensor corrupted = source.images(raw, corruptions.get(i), severities[j], ids);
                                    long c1 = System.nanoTime();
                                    Tensor x = Preprocess.normalize(corrupted, ImageLayout.NHWC, mean, std);
                                    score(predictor, x, labels, record, 1 + i * severities.length + j, o.hook(),
                                            corruptions.get(i), severities[j], b);
                                    corruptNanos += c1 - c0;
                                    modelNanos += System.nanoTime() - c1;
                                }
                            }
                        }
                    }
                }
                done += (long) b.size() * (1 + cells);
                if (progress != null) {
                    progress.update(done * shards.worldSize(), String.format(Locale.ROOT, "clean acc %.4f",
                            running.accuracy()));
                }
            }
        }
        Tally clean = new Tally();
        Tally[][] tallies = new Tally[corruptions.size()][severities.length];
        for (Tally[] row : tallies) {
            for (int j = 0; j < row.length; j++) {
                row[j] = new Tally();
            }
        }
        for (double[] record : shards.gather(batches, own, "corruption suite")) {
            clean.add(record, 0);
            for (int i = 0; i < corruptions.size(); i++) {
                for (int j = 0; j < severities.length; j++) {
                    tallies[i][j].add(record, 1 + i * severities.length + j);
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

    /** Writes the batch's NLL sum, correct count and size for cell {@code cell} into {@code record}. */
    private static void score(Predictor predictor, Tensor x, Tensor labels, double[] record, int cell,
            BatchHook hook, Corruption corruption, int severity, Batch b) {
        Tensor logits = predictor.logits(x);
        if (logits == null || logits.dim() != 2 || logits.size(0) != b.size()) {
            throw new RobustifyException("the predictor must return [N, C] logits for a batch of " + b.size()
                    + " images; got " + (logits == null ? "null" : logits.sizes().vec().toString()));
        }
        // Same reduction as train.Evaluation, so clean numbers agree with it exactly.
        record[Tally.RECORD * cell] = cross_entropy(logits, labels).item_float() * b.size();
        record[Tally.RECORD * cell + 1] = logits.argmax(new LongOptional(1), false).eq(labels).sum().item_long();
        record[Tally.RECORD * cell + 2] = b.size();
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

    /** One cell's sums; a batch contributes {@link #RECORD} numbers per cell: NLL sum, correct, images. */
    private static final class Tally {
        static final int RECORD = 3;

        long correct;
        long total;
        double nllSum;

        void add(double[] record, int cell) {
            nllSum += record[RECORD * cell];
            correct += Math.round(record[RECORD * cell + 1]);
            total += Math.round(record[RECORD * cell + 2]);
        }

        double accuracy() {
            return total == 0 ? 0 : correct / (double) total;
        }

        double meanNll() {
            return total == 0 ? 0 : nllSum / total;
        }
    }
}
