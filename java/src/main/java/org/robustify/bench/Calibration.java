package org.robustify.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.runtime.RobustifyException;

/**
 * Calibration of a classifier's softmax, accumulated over batches: expected calibration error with equal-width
 * confidence bins (Guo et al. 2017: bin m holds the predictions whose top probability lies in ((m-1)/M, m/M];
 * ECE = Σ_m |B_m|/n · |acc(B_m) − conf(B_m)|) and the mean negative log-likelihood of the true class.
 * Not thread-safe: one accumulator per evaluation loop.
 */
public final class Calibration {
    public static final int DEFAULT_BINS = 15;
    /** Numbers per image in a record: top probability, 1 if right else 0, −log p(true class). */
    public static final int RECORD = 3;

    /** ECE, NLL, accuracy and mean confidence, with the per-bin counts, accuracies and confidences behind ECE. */
    public record Result(long count, double ece, double nll, double accuracy, double meanConfidence,
            long[] binCounts, double[] binAccuracy, double[] binConfidence) {
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", count);
            m.put("ece", ece);
            m.put("nll", nll);
            m.put("accuracy", accuracy);
            m.put("mean_confidence", meanConfidence);
            m.put("bins", binCounts.length);
            m.put("bin_counts", toList(binCounts));
            m.put("bin_accuracy", toList(binAccuracy));
            m.put("bin_confidence", toList(binConfidence));
            return m;
        }

        private static List<Object> toList(long[] a) {
            return java.util.Arrays.stream(a).boxed().map(v -> (Object) v).toList();
        }

        private static List<Object> toList(double[] a) {
            return java.util.Arrays.stream(a).boxed().map(v -> (Object) v).toList();
        }
    }

    private final int bins;
    private final long[] counts;
    private final long[] correctPerBin;
    private final double[] confidencePerBin;
    private long count;
    private long correct;
    private double nllSum;
    private double confidenceSum;

    public Calibration() {
        this(DEFAULT_BINS);
    }

    public Calibration(int bins) {
        if (bins < 1) {
            throw new RobustifyException("calibration bins must be >= 1; got " + bins);
        }
        this.bins = bins;
        this.counts = new long[bins];
        this.correctPerBin = new long[bins];
        this.confidencePerBin = new double[bins];
    }

    /**
     * Adds a batch: {@code logits} [N, C] (any float type, any device; their softmax is the predicted
     * distribution) and int64 {@code labels} [N]. Call under a NoGradGuard inside the batch's PointerScope.
     */
    public void add(Tensor logits, Tensor labels) {
        addRecords(records(logits, labels));
    }

    /**
     * The per-image numbers {@link #add(Tensor, Tensor)} accumulates, as a flat array ({@link #RECORD} per image):
     * what a sharded evaluation exchanges so every rank can replay all images in order.
     */
    public static double[] records(Tensor logits, Tensor labels) {
        if (logits.dim() != 2 || labels.dim() != 1 || labels.size(0) != logits.size(0)) {
            throw new RobustifyException("calibration needs logits [N, C] and labels [N]; got " + logits.dim()
                    + "-D logits and " + labels.dim() + "-D labels");
        }
        int n = (int) logits.size(0);
        if (n == 0) {
            return new double[0];
        }
        Tensor logProbs = logits.to(ScalarType.Double).log_softmax(1, new ScalarTypeOptional());
        Tensor y = labels.to(ScalarType.Long).cpu().contiguous();
        Tensor top = logProbs.max(1, false).get0().exp().to(ScalarType.Float).cpu().contiguous();
        Tensor predicted = logProbs.argmax(new LongOptional(1), false).cpu().contiguous();
        Tensor trueLogProb = logProbs.gather(1, labels.to(ScalarType.Long).view(n, 1)).view(n).to(ScalarType.Float)
                .cpu().contiguous();
        float[] conf = new float[n];
        float[] logp = new float[n];
        long[] pred = new long[n];
        long[] truth = new long[n];
        new FloatPointer(top.data_ptr_float()).capacity(n).get(conf);
        new FloatPointer(trueLogProb.data_ptr_float()).capacity(n).get(logp);
        new LongPointer(predicted.data_ptr_long()).capacity(n).get(pred);
        new LongPointer(y.data_ptr_long()).capacity(n).get(truth);
        double[] r = new double[RECORD * n];
        for (int i = 0; i < n; i++) {
            r[RECORD * i] = conf[i];
            r[RECORD * i + 1] = pred[i] == truth[i] ? 1 : 0;
            r[RECORD * i + 2] = -logp[i];
        }
        return r;
    }

    /** Adds the images of {@link #records}; returns how many of them were right. */
    public long addRecords(double[] records) {
        if (records.length % RECORD != 0) {
            throw new IllegalArgumentException("records come in groups of " + RECORD + "; got " + records.length);
        }
        long right = 0;
        for (int i = 0; i < records.length; i += RECORD) {
            boolean isCorrect = records[i + 1] != 0;
            add(records[i], isCorrect, records[i + 2]);
            right += isCorrect ? 1 : 0;
        }
        return right;
    }

    /** Adds one prediction: its top probability, whether it was right, and −log p(true class). */
    public void add(double confidence, boolean isCorrect, double nll) {
        if (!(confidence >= 0 && confidence <= 1) || !(nll >= 0)) {
            throw new RobustifyException("confidence must be in [0,1] and nll >= 0; got " + confidence + ", " + nll);
        }
        int bin = binOf(confidence, bins);
        counts[bin]++;
        confidencePerBin[bin] += confidence;
        if (isCorrect) {
            correctPerBin[bin]++;
            correct++;
        }
        count++;
        nllSum += nll;
        confidenceSum += confidence;
    }

    /** Bin m (0-based) holds confidences in (m/M, (m+1)/M]; a confidence of exactly 0 joins bin 0. */
    static int binOf(double confidence, int bins) {
        int bin = (int) Math.ceil(confidence * bins) - 1;
        return Math.max(0, Math.min(bins - 1, bin));
    }

    public Result result() {
        double[] acc = new double[bins];
        double[] conf = new double[bins];
        double ece = 0;
        for (int m = 0; m < bins; m++) {
            if (counts[m] > 0) {
                acc[m] = correctPerBin[m] / (double) counts[m];
                conf[m] = confidencePerBin[m] / counts[m];
                ece += counts[m] / (double) count * Math.abs(acc[m] - conf[m]);
            }
        }
        return new Result(count, ece, count == 0 ? 0 : nllSum / count, count == 0 ? 0 : correct / (double) count,
                count == 0 ? 0 : confidenceSum / count, counts.clone(), acc, conf);
    }
}
