package org.robustify.data;

/**
 * One batch as plain Java arrays: pixels NHWC uint8, labels, and the dataset indices they came from. Batches are
 * assembled on the prefetch thread; tensors are made on the training thread, inside its PointerScope.
 */
public record Batch(byte[] pixels, long[] labels, int[] indices, int height, int width, int channels) {
    public int size() {
        return labels.length;
    }
}
