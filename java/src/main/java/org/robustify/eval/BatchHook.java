package org.robustify.eval;

import org.bytedeco.pytorch.Tensor;
import org.robustify.corrupt.Corruption;
import org.robustify.data.Batch;

/**
 * Sees every batch {@link CorruptionSuite} predicts, e.g. to count which head a routing predictor chose. Runs inside
 * the batch's PointerScope and NoGradGuard: tensors must not be kept past the call.
 */
@FunctionalInterface
public interface BatchHook {
    /**
     * @param corruption {@link Corruption#IDENTITY} for the clean images
     * @param severity   0 for the clean images, else 1..5
     * @param batch      the clean batch (pixels, labels, dataset indices)
     * @param logits     the predictor's [N, C] output for this batch and cell
     */
    void onBatch(Corruption corruption, int severity, Batch batch, Tensor logits);
}
