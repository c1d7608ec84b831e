package org.robustify.bench;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.BatchTensors;
import org.robustify.data.ImageDataset;
import org.robustify.eval.Predictor;
import org.robustify.train.ProgressBar;

/** One pass over a dataset: accuracy and calibration (ECE, NLL) of a predictor's logits. */
public final class LogitEval {
    public record Result(long correct, long total, Calibration.Result calibration, double seconds) {
        public double accuracy() {
            return total == 0 ? 0 : correct / (double) total;
        }
    }

    private LogitEval() {}

    /** The caller has put any model behind {@code p} in eval mode. */
    public static Result run(Predictor p, ImageDataset data, float[] mean, float[] std, int batchSize,
            String label) {
        long start = System.nanoTime();
        Calibration calibration = new Calibration();
        ProgressBar progress = new ProgressBar(label, data.size());
        long correct = 0;
        long done = 0;
        try (BatchLoader loader = new BatchLoader(data, batchSize, false, 0, 0, false, 2)) {
            for (Batch b : loader) {
                try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                    Tensor y = BatchTensors.labels(b);
                    Tensor logits = p.logits(BatchTensors.images(b, mean, std));
                    correct += logits.argmax(new LongOptional(1), false).eq(y).sum().item_long();
                    calibration.add(logits, y);
                }
                done += b.size();
                progress.update(done, String.format("acc %.4f", correct / (double) done));
            }
        }
        progress.finish(String.format("acc %.4f", data.size() == 0 ? 0 : correct / (double) data.size()));
        return new Result(correct, data.size(), calibration.result(), (System.nanoTime() - start) / 1e9);
    }
}
