package org.robustify.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.robustify.dist.Collectives;
import org.robustify.dist.GradientSync;
import org.robustify.model.Parameters;

/**
 * What data parallelism adds to a {@link TrainingJob}, as PyTorch's DDP does: the same start on every rank (rank 0's
 * parameters and buffers broadcast), gradients of the trainable parameters averaged over the ranks before each
 * optimiser update (weighted by each rank's share of the global batch), and rank 0's buffers (BatchNorm running
 * statistics) broadcast before evaluation and checkpoints so they see one model. With one process it does nothing.
 */
final class DataParallel {
    private final Collectives group;
    private final TrainingJob job;
    private final List<Tensor> buffers = new ArrayList<>();
    private GradientSync sync;
    private double nextWeight = 1;

    DataParallel(Collectives group, TrainingJob job) {
        this.group = group;
        this.job = job;
    }

    /** Aligns the ranks and installs the gradient averaging; call after any checkpoint was restored. */
    void start() {
        if (group.worldSize() == 1) {
            return;
        }
        buffers.addAll(Parameters.namedBuffers(job.module()).values());
        List<Tensor> state = new ArrayList<>(Parameters.named(job.module()).values());
        state.addAll(buffers);
        try (NoGradGuard g = new NoGradGuard()) {
            group.broadcast(state, 0, "initial parameter broadcast");
        }
        sync = new GradientSync(group, job.optimizer().parameters(), GradientSync.DEFAULT_BUCKET_BYTES);
        job.optimizer().beforeStep(() -> sync.synchronize(nextWeight));
    }

    /** This rank's share of the coming step's global batch. */
    void weightNextStep(double weight) {
        nextWeight = weight;
    }

    /**
     * A rank whose piece of a short last batch is empty still takes part in the update: it contributes zero
     * gradients and applies the others'.
     */
    TrainingJob.StepOutcome emptyStep() {
        job.optimizer().zeroGrad();
        job.optimizer().step();
        return new TrainingJob.StepOutcome(0f, 0, 0);
    }

    /**
     * Makes every rank's buffers rank 0's, before anything reads them (evaluation, checkpoints). Training-mode
     * BatchNorm normalises with the batch's own statistics and only updates the running ones, and rank 0's running
     * statistics depend on rank 0's batches alone, so one broadcast here equals DDP's broadcast at every step.
     */
    void syncBuffers() {
        if (!buffers.isEmpty()) {
            try (NoGradGuard g = new NoGradGuard()) {
                group.broadcast(buffers, 0, "buffer broadcast");
            }
        }
    }

    Map<String, Object> describe(int batchPerRank) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("world_size", group.worldSize());
        m.put("rank_writing", 0);
        m.put("backend", group.worldSize() == 1 ? "none" : "gloo");
        m.put("batch_per_rank", batchPerRank);
        m.put("global_batch", batchPerRank * group.worldSize());
        m.put("gradient_bucket_bytes", GradientSync.DEFAULT_BUCKET_BYTES);
        return m;
    }
}
