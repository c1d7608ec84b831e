package org.robustify.data;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.tensor.ImageLayout;
import org.robustify.tensor.Preprocess;

/** Turns a {@link Batch} into model-ready tensors. Call inside the step's PointerScope. */
public final class BatchTensors {
    private BatchTensors() {}

    /** Normalised float32 NCHW images, through the native preprocess kernel. */
    public static Tensor images(Batch b, float[] mean, float[] std) {
        try (BytePointer bytes = new BytePointer(b.pixels())) {
            Tensor raw = torch.from_blob(bytes, new long[] {b.size(), b.height(), b.width(), b.channels()},
                    new TensorOptions(ScalarType.Byte));
            // The kernel writes into a new libtorch-owned tensor, so `bytes` may be freed right after.
            return Preprocess.normalize(raw, ImageLayout.NHWC, mean, std);
        }
    }

    /** int64 class indices (libtorch owns the copy). */
    public static Tensor labels(Batch b) {
        try (LongPointer p = new LongPointer(b.labels())) {
            return torch.from_blob(p, new long[] {b.size()}, new TensorOptions(ScalarType.Long)).clone();
        }
    }
}
