package org.robustify.method;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.data.ImageDataset;
import org.robustify.model.branch.BranchLogits;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.RobustifyException;

/**
 * Calibrates SELECT's thresholds (method stage 3): one pass of the model over the held-out split, clean and
 * corrupted with the validation corruptions, collects per-row (u, d, clean right, robust right); then every pair of
 * a grid of candidates (quantiles of the observed u and d, plus +inf) is scored by the mean of the clean-split and
 * corrupted-split accuracies, without running the model again. Ties go to the pair that routes fewer rows to the
 * robust head (then to the first pair in grid order). Candidates are observed float32 values, so the chosen pair
 * gives exactly the recorded accuracy when {@link HeadSelector} runs on the same data.
 */
public final class ThresholdCalibration {
    private ThresholdCalibration() {}

    public static Thresholds calibrate(BranchedModel model, ImageDataset heldOut, CalibrationOptions options) {
        CalibrationRows rows = collect(model, heldOut, options);
        return choose(rows, options.gridPoints(), ModelFingerprint.of(model), describe(heldOut, options));
    }

    /** One eval-mode, no-grad pass over the calibration data; the model's train flag is restored after. */
    public static CalibrationRows collect(BranchedModel model, ImageDataset heldOut, CalibrationOptions options) {
        long total = CalibrationBatches.rows(heldOut, options);
        if (total > Integer.MAX_VALUE) {
            throw new RobustifyException("calibration data of " + total + " rows is too large; use fewer images, "
                    + "corruptions or severities");
        }
        int n = (int) total;
        float[] u = new float[n];
        float[] d = new float[n];
        boolean[] cleanRight = new boolean[n];
        boolean[] robustRight = new boolean[n];
        boolean[] corrupted = new boolean[n];
        int[] at = {0};
        // The data is made on the CPU; it goes wherever the branch's heads live.
        Device device = model.clean.weight().device();
        boolean wasTraining = model.is_training();
        model.eval();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            CalibrationBatches.forEach(heldOut, options, (condition, images, labels) -> {
                BranchLogits l = model.forwardAll(images.to(device, ScalarType.Float));
                Tensor y = labels.to(device, ScalarType.Long);
                HeadSignals s = HeadSignals.of(l);
                int b = (int) labels.size(0);
                int from = at[0];
                floats(s.uncertainty(), u, from, b);
                floats(s.divergence(), d, from, b);
                booleans(argmax(l.clean()).eq(y), cleanRight, from, b);
                booleans(argmax(l.robust()).eq(y), robustRight, from, b);
                Arrays.fill(corrupted, from, from + b, condition.corrupted());
                at[0] = from + b;
            });
        } finally {
            model.train(wasTraining);
        }
        return new CalibrationRows(u, d, cleanRight, robustRight, corrupted);
    }

    /** The best (tauU, tauD) on the grid; see the class comment for the objective and tie-break. */
    public static Thresholds choose(CalibrationRows rows, int gridPoints, String fingerprint, String description) {
        if (rows.size() == 0) {
            throw new RobustifyException("no calibration rows: the held-out data is empty");
        }
        double[] us = candidates(rows.uncertainty(), gridPoints);
        double[] ds = candidates(rows.divergence(), gridPoints);
        double bestU = Double.POSITIVE_INFINITY;
        double bestD = Double.POSITIVE_INFINITY;
        CalibrationRows.Outcome best = null;
        for (double tu : us) {
            for (double td : ds) {
                CalibrationRows.Outcome o = rows.evaluate(tu, td);
                if (best == null || o.objective() > best.objective()
                        || (o.objective() == best.objective() && o.robustRows() < best.robustRows())) {
                    best = o;
                    bestU = tu;
                    bestD = td;
                }
            }
        }
        CalibrationRows.Outcome cleanOnly = rows.evaluate(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        CalibrationRows.Outcome robustOnly = rows.evaluate(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY);
        return new Thresholds(bestU, bestD, fingerprint, description, best.accuracies(), cleanOnly.accuracies(),
                robustOnly.accuracies(), best.robustFractions());
    }

    /**
     * {@code points} quantiles (0, 1/(points-1), ..., 1) of the observed values, taken as observed values (no
     * interpolation, so they are exact float32 numbers), deduplicated and ascending, then +inf.
     */
    public static double[] candidates(float[] values, int points) {
        if (points < 2) {
            throw new RobustifyException("grid points must be >= 2; got " + points);
        }
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        TreeSet<Double> out = new TreeSet<>();
        for (int i = 0; i < points && sorted.length > 0; i++) {
            int index = (int) Math.round((double) i * (sorted.length - 1) / (points - 1));
            float v = sorted[index];
            if (!Float.isNaN(v)) {
                out.add((double) v);
            }
        }
        out.add(Double.POSITIVE_INFINITY);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public static String describe(ImageDataset heldOut, CalibrationOptions o) {
        List<String> names = new ArrayList<>();
        o.corruptions().forEach(c -> names.add(c.nativeName()));
        return heldOut.name() + " (" + heldOut.size() + " images) clean + corrupted with " + String.join(",", names)
                + " at severities " + o.severities() + ", corruption seed " + o.seed();
    }

    private static Tensor argmax(Tensor logits) {
        return logits.argmax(new LongOptional(1), false);
    }

    private static void floats(Tensor t, float[] out, int from, int n) {
        Tensor f = t.to(ScalarType.Float).cpu().contiguous();
        new FloatPointer(f.data_ptr()).capacity(n).get(out, from, n);
    }

    private static void booleans(Tensor t, boolean[] out, int from, int n) {
        Tensor b = t.to(ScalarType.Byte).cpu().contiguous();
        byte[] bytes = new byte[n];
        new BytePointer(b.data_ptr()).capacity(n).get(bytes, 0, n);
        for (int i = 0; i < n; i++) {
            out[from + i] = bytes[i] != 0;
        }
    }
}
