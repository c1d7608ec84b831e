package org.robustify.method;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
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
import org.robustify.tensor.ImageLayout;
import org.robustify.tensor.Preprocess;

/**
 * The calibration data as batches: the held-out split clean, then corrupted with each (corruption, severity) of the
 * options, in that order. Corruptions are keyed by dataset index, so every pass over it sees the same pixels.
 */
public final class CalibrationBatches {
    /** {@code corruption} is {@link Corruption#IDENTITY} (severity 0) for the clean split. */
    public record Condition(Corruption corruption, int severity) {
        public boolean corrupted() {
            return corruption != Corruption.IDENTITY;
        }
    }

    /** Called inside a PointerScope per batch with normalised float32 NCHW images and int64 labels. */
    @FunctionalInterface
    public interface Consumer {
        void accept(Condition condition, Tensor images, Tensor labels);
    }

    private CalibrationBatches() {}

    public static void forEach(ImageDataset data, CalibrationOptions o, Consumer consumer) {
        run(data, o, new Condition(Corruption.IDENTITY, 0), consumer);
        for (Corruption c : o.corruptions()) {
            for (int s : o.severities()) {
                run(data, o, new Condition(c, s), consumer);
            }
        }
    }

    /** Rows of the whole calibration set: the clean split then the corrupted copies. */
    public static long rows(ImageDataset data, CalibrationOptions o) {
        return (long) data.size() * (1 + o.corruptions().size() * o.severities().size());
    }

    private static void run(ImageDataset data, CalibrationOptions o, Condition condition, Consumer consumer) {
        try (BatchLoader loader = new BatchLoader(data, o.batchSize(), false, 0, 0, false, 2)) {
            for (Batch b : loader) {
                try (PointerScope scope = new PointerScope()) {
                    Tensor labels = BatchTensors.labels(b);
                    Tensor images = condition.corrupted() ? corrupted(b, condition, o)
                            : BatchTensors.images(b, o.mean(), o.std());
                    consumer.accept(condition, images, labels);
                }
            }
        }
    }

    private static Tensor corrupted(Batch b, Condition condition, CalibrationOptions o) {
        long[] ids = new long[b.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = b.indices()[i];
        }
        try (BytePointer bytes = new BytePointer(b.pixels())) {
            Tensor raw = torch.from_blob(bytes, new long[] {b.size(), b.height(), b.width(), b.channels()},
                    new TensorOptions(ScalarType.Byte));
            // Both steps write new libtorch-owned tensors, so `bytes` may be freed once they return.
            Tensor noisy = Corruptions.apply(raw, ImageLayout.NHWC, condition.corruption(), condition.severity(),
                    ids, CorruptOptions.seed(o.seed()));
            return Preprocess.normalize(noisy, ImageLayout.NHWC, o.mean(), o.std());
        }
    }
}
