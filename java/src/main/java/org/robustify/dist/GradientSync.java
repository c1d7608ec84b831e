package org.robustify.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Data-parallel gradient averaging over the trainable parameters only (frozen ones have no gradient and cost no
 * traffic), as DDP does it: gradients are copied into persistent flat buckets of at most {@code bucketBytes}, every
 * bucket's all-reduce is in flight at once (Gloo works on its own threads), then the sums are copied back.
 * Each rank scales its mean-loss gradient by its share of the global batch before the sum, so the result is the
 * gradient of the mean loss over the whole global batch. Without tensor hooks in the presets the all-reduce starts
 * after backward instead of overlapping it.
 */
public final class GradientSync {
    /** PyTorch DDP's default bucket cap. */
    public static final long DEFAULT_BUCKET_BYTES = 25L << 20;

    private final Collectives group;
    private final List<List<Tensor>> buckets = new ArrayList<>();
    /** One flat buffer per bucket, allocated once: a step copies into it instead of allocating. */
    private final List<Tensor> flats = new ArrayList<>();

    public GradientSync(Collectives group, Map<String, Tensor> trainable, long bucketBytes) {
        if (bucketBytes < 1) {
            throw new IllegalArgumentException("bucket bytes must be >= 1");
        }
        this.group = group;
        List<Tensor> current = new ArrayList<>();
        long bytes = 0;
        for (Tensor p : trainable.values()) {
            long size = p.numel() * p.element_size();
            if (!current.isEmpty() && bytes + size > bucketBytes) {
                buckets.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(p);
            bytes += size;
        }
        if (!current.isEmpty()) {
            buckets.add(current);
        }
        for (List<Tensor> bucket : buckets) {
            long n = 0;
            for (Tensor p : bucket) {
                n += p.numel();
            }
            Tensor flat = torch.empty(new long[] {n}, bucket.get(0).options(), new MemoryFormatOptional());
            flat.retainReference(); // lives as long as the job, outside any step's scope
            flats.add(flat);
        }
    }

    public int bucketCount() {
        return buckets.size();
    }

    /**
     * Replaces every trainable gradient by Σ_ranks weight_r · grad_r. A parameter without a gradient on this rank
     * (not reached by its loss) contributes zeros, and receives the sum like the others.
     */
    public void synchronize(double weight) {
        Scalar w = new Scalar(weight);
        for (int b = 0; b < buckets.size(); b++) {
            long offset = 0;
            for (Tensor p : buckets.get(b)) {
                long n = p.numel();
                Tensor slot = flats.get(b).narrow(0, offset, n);
                Tensor g = p.grad();
                if (g.defined()) {
                    slot.copy_(g.reshape(-1));
                } else {
                    slot.zero_();
                }
                offset += n;
            }
            flats.get(b).mul_(w);
        }
        group.allReduceSum(flats, "gradient all-reduce");
        for (int b = 0; b < buckets.size(); b++) {
            long offset = 0;
            for (Tensor p : buckets.get(b)) {
                long n = p.numel();
                Tensor summed = flats.get(b).narrow(0, offset, n).view(p.sizes().vec().get());
                Tensor g = p.mutable_grad();
                if (g.defined()) {
                    g.copy_(summed);
                } else {
                    g.put(summed.clone());
                }
                offset += n;
            }
        }
    }
}
