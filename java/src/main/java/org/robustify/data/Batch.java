package org.robustify.data;

import java.util.List;

import org.bytedeco.pytorch.Tensor;

/**
 * One batch as plain Java arrays: pixels NHWC uint8, labels, and the dataset indices they came from; plus the
 * augmented views a {@link BatchPreparer} computed ahead of the trainer on the loader's thread (empty otherwise).
 * Other tensors are made on the training thread, inside its PointerScope.
 */
public record Batch(byte[] pixels, long[] labels, int[] indices, int height, int width, int channels,
        List<Tensor> views) {
    public Batch {
        views = List.copyOf(views);
    }

    public Batch(byte[] pixels, long[] labels, int[] indices, int height, int width, int channels) {
        this(pixels, labels, indices, height, width, channels, List.of());
    }

    public int size() {
        return labels.length;
    }

    public Batch withViews(List<Tensor> prepared) {
        return new Batch(pixels, labels, indices, height, width, channels, prepared);
    }

    /** The prefetched view {@code i}, or null when it was not computed ahead. */
    public Tensor view(int i) {
        return i < views.size() ? views.get(i) : null;
    }

    /**
     * Frees the prefetched views: after the step that used them, or for a batch that will not be trained on (the
     * loader closed early). Tensors computed from them hold their own references.
     */
    public void releaseViews() {
        for (Tensor t : views) {
            t.close();
        }
    }
}
