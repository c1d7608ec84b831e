package org.robustify.bench;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.robustify.data.Batch;
import org.robustify.data.BatchLoader;
import org.robustify.data.BatchTensors;
import org.robustify.data.ImageDataset;
import org.robustify.dist.ShardedBatches;
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
        return run(p, data, mean, std, batchSize, label, ShardedBatches.single());
    }

    /**
     * Sharded over the ranks of {@code shards}: each rank scores its batches, and every rank gets the same result,
     * bit for bit the one-process result (per-image records replayed in dataset order).
     */
    public static Result run(Predictor p, ImageDataset data, float[] mean, float[] std, int batchSize,
            String label, ShardedBatches shards) {
        long start = System.nanoTime();
        ProgressBar progress = ProgressBar.shownIf(shards.reports(), label, data.size());
        Map<Integer, double[]> own = new HashMap<>();
        long correct = 0;
        long done = 0;
        int batches = 0;
        try (BatchLoader loader = new BatchLoader(data, batchSize, false, 0, 0, false, 2)) {
            for (Batch b : loader) {
                int index = batches++;
                if (!shards.mine(index)) {
                    continue;
                }
                try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                    double[] records = Calibration.records(p.logits(BatchTensors.images(b, mean, std)),
                            BatchTensors.labels(b));
                    own.put(index, records);
                    for (int i = 1; i < records.length; i += Calibration.RECORD) {
                        correct += records[i] != 0 ? 1 : 0;
                    }
                }
                done += b.size();
                progress.update(done * shards.worldSize(), String.format("acc %.4f", correct / (double) done));
            }
        }
        Calibration calibration = new Calibration();
        correct = 0;
        for (double[] records : shards.gather(batches, own, label)) {
            correct += calibration.addRecords(records);
        }
        progress.finish(String.format("acc %.4f", data.size() == 0 ? 0 : correct / (double) data.size()));
        return new Result(correct, data.size(), calibration.result(), (System.nanoTime() - start) / 1e9);
    }
}
