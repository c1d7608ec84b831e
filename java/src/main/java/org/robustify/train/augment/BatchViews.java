package org.robustify.train.augment;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.data.Batch;
import org.robustify.data.BatchPreparer;
import org.robustify.data.BatchTensors;
import org.robustify.tensor.ImageLayout;
import org.robustify.tensor.Preprocess;

/**
 * The model inputs of one batch: the clean images and augmented views of them, each normalised (float32 NCHW).
 * Built inside the step's PointerScope; the uint8 batch tensor is made once and shared by the views.
 */
public final class BatchViews {
    private final Batch batch;
    private final float[] mean;
    private final float[] std;
    private final long[] sampleIds;
    private Tensor raw;

    public BatchViews(Batch batch, float[] mean, float[] std) {
        this.batch = batch;
        this.mean = mean;
        this.std = std;
        this.sampleIds = new long[batch.size()];
        for (int i = 0; i < sampleIds.length; i++) {
            sampleIds[i] = batch.indices()[i];
        }
    }

    public Tensor clean() {
        return Preprocess.normalize(raw(), ImageLayout.NHWC, mean, std);
    }

    public Tensor labels() {
        return BatchTensors.labels(batch);
    }

    /**
     * View {@code view} of the batch under {@code augmenter} at {@code epoch}, normalised: the one {@link #preparer}
     * computed ahead when the batch carries it, else computed now (the same pixels either way).
     */
    public Tensor augmented(Augmenter augmenter, int epoch, int view) {
        Tensor ahead = batch.view(view);
        Tensor out = ahead != null ? ahead : augmenter.apply(raw(), sampleIds, epoch, view);
        return Preprocess.normalize(out, ImageLayout.NHWC, mean, std);
    }

    /** Computes views 0..{@code count}-1 of each batch of {@code epoch} on the loader's thread. */
    public static BatchPreparer preparer(Augmenter augmenter, int epoch, int count) {
        return batch -> {
            BatchViews v = new BatchViews(batch, null, null);
            List<Tensor> views = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                views.add(augmenter.apply(v.raw(), v.sampleIds, epoch, i));
            }
            return views;
        };
    }

    /** uint8 [N, H, W, C], owned by libtorch. */
    public Tensor raw() {
        if (raw == null) {
            try (BytePointer bytes = new BytePointer(batch.pixels())) {
                raw = torch.from_blob(bytes, new long[] {batch.size(), batch.height(), batch.width(),
                    batch.channels()}, new TensorOptions(ScalarType.Byte)).clone();
            }
        }
        return raw;
    }

    public int size() {
        return batch.size();
    }
}
