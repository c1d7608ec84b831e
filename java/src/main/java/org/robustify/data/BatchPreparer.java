package org.robustify.data;

import java.util.List;

import org.bytedeco.pytorch.Tensor;

/**
 * Work on a batch that can run ahead of the trainer, on the loader's background thread: typically the native
 * augmentation kernels producing a training job's augmented views. Must be a pure function of the batch (and of what
 * the preparer was built with), so prefetching changes when the work happens, never its result.
 */
@FunctionalInterface
public interface BatchPreparer {
    /** The batch's views; they outlive the call (the loader detaches them from its scope). */
    List<Tensor> prepare(Batch batch);
}
