package org.robustify.method;

import java.util.Locale;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustify.corrupt.CorruptOptions;
import org.robustify.corrupt.Corruption;
import org.robustify.corrupt.Corruptions;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.ImageDataset;
import org.robustify.eval.Predictor;
import org.robustify.tensor.ImageLayout;
import org.robustify.tensor.Preprocess;
import org.robustify.train.ProgressBar;
import org.robustify.train.augment.BatchViews;

/**
 * Predicted classes of a data set, optionally corrupted on the fly (keyed by dataset index, so the batch size does
 * not change the images), through any {@link Predictor}.
 */
public final class Prediction {
    /** Predicted class per image, and how many match the labels. */
    public record Result(long[] predictions, long correct) {
        public double accuracy() {
            return predictions.length == 0 ? 0 : correct / (double) predictions.length;
        }
    }

    private Prediction() {}

    /** {@code corruption} null: clean images. */
    public static Result run(Predictor predictor, ImageDataset data, float[] mean, float[] std, int batchSize,
            Corruption corruption, int severity, long seed) {
        long[] predictions = new long[data.size()];
        long correct = 0;
        int at = 0;
        try (BatchLoader loader = new BatchLoader(data, batchSize, false, 0, 0, false, 2)) {
            ProgressBar bar = new ProgressBar("predict", loader.batchesPerEpoch());
            int done = 0;
            for (Batch b : loader) {
                try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
                    BatchViews views = new BatchViews(b, mean, std);
                    Tensor x;
                    if (corruption == null) {
                        x = views.clean();
                    } else {
                        long[] ids = new long[b.size()];
                        for (int i = 0; i < ids.length; i++) {
                            ids[i] = b.indices()[i];
                        }
                        Tensor c = Corruptions.apply(views.raw(), ImageLayout.NHWC, corruption, severity, ids,
                                CorruptOptions.seed(seed));
                        x = Preprocess.normalize(c, ImageLayout.NHWC, mean, std);
                    }
                    Tensor predicted = predictor.logits(x).argmax(new LongOptional(1), false).contiguous();
                    long[] p = new long[b.size()];
                    predicted.data_ptr_long().get(p);
                    System.arraycopy(p, 0, predictions, at, p.length);
                    for (int i = 0; i < p.length; i++) {
                        if (p[i] == b.labels()[i]) {
                            correct++;
                        }
                    }
                    at += p.length;
                }
                bar.update(++done, String.format(Locale.ROOT, "accuracy %.4f", correct / (double) at));
            }
            bar.finish(String.format(Locale.ROOT, "accuracy %.4f", correct / (double) Math.max(1, at)));
        }
        return new Result(predictions, correct);
    }
}
