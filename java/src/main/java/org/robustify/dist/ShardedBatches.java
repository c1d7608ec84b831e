package org.robustify.dist;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluation sharded by whole batches: rank r evaluates the global batches b with b mod W = r (whole batches, so
 * anything keyed by batch, such as an attack's random start, is what one process would draw), records per batch
 * whatever per-image numbers the metric needs, and {@link #gather} gives every rank every batch's records in global
 * order. Replaying them in that order makes the metrics bit-identical to one process's: counts and float sums see
 * the same operands in the same order.
 */
public final class ShardedBatches {
    private final Collectives group;

    public ShardedBatches(Collectives group) {
        this.group = group;
    }

    /** One process: every batch is this rank's. */
    public static ShardedBatches single() {
        return new ShardedBatches(new Collectives.SingleProcess());
    }

    /** Rank 0 shows progress and writes results. */
    public boolean reports() {
        return group.rank() == 0;
    }

    public int worldSize() {
        return group.worldSize();
    }

    /** Whether this rank evaluates global batch {@code index}. */
    public boolean mine(int index) {
        return index % group.worldSize() == group.rank();
    }

    /**
     * All batches' records, in batch order. {@code own} holds this rank's batches (index → records of any length);
     * the exchange is two all-reduce sums over zero-filled buffers, exact because x + 0 = x.
     */
    public List<double[]> gather(int batches, Map<Integer, double[]> own, String what) {
        double[] lengths = new double[batches];
        for (var e : own.entrySet()) {
            if (!mine(e.getKey())) {
                throw new IllegalArgumentException("batch " + e.getKey() + " is not rank " + group.rank() + "'s");
            }
            lengths[e.getKey()] = e.getValue().length;
        }
        lengths = group.sum(lengths, what + " (sizes)");
        long[] offsets = new long[batches + 1];
        for (int b = 0; b < batches; b++) {
            offsets[b + 1] = offsets[b] + Math.round(lengths[b]);
        }
        if (offsets[batches] > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(what + ": " + offsets[batches] + " records are too many to gather");
        }
        double[] all = new double[(int) offsets[batches]];
        for (var e : own.entrySet()) {
            System.arraycopy(e.getValue(), 0, all, (int) offsets[e.getKey()], e.getValue().length);
        }
        all = group.sum(all, what);
        List<double[]> out = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            double[] r = new double[(int) (offsets[b + 1] - offsets[b])];
            System.arraycopy(all, (int) offsets[b], r, 0, r.length);
            out.add(r);
        }
        return out;
    }
}
