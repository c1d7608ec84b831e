package org.robustify.data;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.robustify.dist.Shard;
import org.robustify.runtime.RobustifyException;

/**
 * Iterates one epoch of a dataset in batches, assembled ahead of the trainer on a background thread.
 * The order is a pure function of (seed, epoch): a resumed or repeated run sees the same batches. With a
 * {@link Shard} (data-parallel training) the loader walks global batches of {@code batchSize × worldSize} rows in that
 * same order and hands this rank its contiguous piece of each: the ranks' pieces are disjoint and together are exactly
 * the batches one process with the global batch size would see.
 */
public final class BatchLoader implements Iterable<Batch>, AutoCloseable {
    private static final Batch END = new Batch(new byte[0], new long[0], new int[0], 0, 0, 0);

    private final ImageDataset data;
    /** Rows per step over all ranks: the per-rank batch size × world size. */
    private final int globalBatch;
    private final boolean dropLast;
    private final int[] order;
    private final int startBatch;
    private final Shard shard;
    private final BatchPreparer preparer;
    private long waitNanos;
    private final BlockingQueue<Object> queue;
    private final Thread producer;
    private volatile boolean closed;
    private boolean iterated;

    /**
     * @param shuffle  permute the order with a generator seeded by (seed, epoch); else dataset order
     * @param prefetch how many batches may wait ahead of the consumer (>= 1)
     */
    public BatchLoader(ImageDataset data, int batchSize, boolean shuffle, long seed, int epoch, boolean dropLast,
            int prefetch) {
        this(data, batchSize, shuffle, seed, epoch, dropLast, prefetch, 0);
    }

    /**
     * As above, but the iteration starts at batch {@code startBatch} of the epoch (a resumed run skips what it has
     * already trained; the batches are those an uninterrupted epoch would give from there).
     */
    public BatchLoader(ImageDataset data, int batchSize, boolean shuffle, long seed, int epoch, boolean dropLast,
            int prefetch, int startBatch) {
        this(data, batchSize, shuffle, seed, epoch, dropLast, prefetch, startBatch, Shard.WHOLE, null);
    }

    /**
     * As above, for rank {@code shard.rank()} of a data-parallel job ({@code batchSize} is per rank), with each batch
     * passed through {@code preparer} (may be null) on the loader's thread, ahead of the trainer.
     */
    public BatchLoader(ImageDataset data, int batchSize, boolean shuffle, long seed, int epoch, boolean dropLast,
            int prefetch, int startBatch, Shard shard, BatchPreparer preparer) {
        if (batchSize < 1) {
            throw new RobustifyException("batch size must be >= 1; got " + batchSize);
        }
        if (prefetch < 1) {
            throw new RobustifyException("prefetch must be >= 1; got " + prefetch);
        }
        this.data = data;
        this.shard = shard;
        this.preparer = preparer;
        this.globalBatch = Math.multiplyExact(batchSize, shard.worldSize());
        this.dropLast = dropLast;
        this.order = shuffle ? permutation(data.size(), seed, epoch) : identity(data.size());
        if (startBatch < 0 || startBatch > batchesPerEpoch()) {
            throw new RobustifyException("start batch " + startBatch + " is outside the epoch's 0.."
                    + batchesPerEpoch() + " batches");
        }
        this.startBatch = startBatch;
        this.queue = new ArrayBlockingQueue<>(prefetch);
        this.producer = new Thread(this::produce, "robustify-prefetch");
        producer.setDaemon(true);
        producer.start();
    }

    public int batchesPerEpoch() {
        return dropLast ? data.size() / globalBatch : (data.size() + globalBatch - 1) / globalBatch;
    }

    /** Rows of global batch {@code index} summed over all ranks (the last one may be short). */
    public int globalRows(int index) {
        return Math.min(globalBatch, data.size() - index * globalBatch);
    }

    /** Fisher-Yates with a SplittableRandom keyed by (seed, epoch): same permutation on every JVM and thread. */
    static int[] permutation(int n, long seed, int epoch) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        int[] p = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    private void produce() {
        try {
            int per = data.imageBytes();
            for (int start = startBatch * globalBatch; start < order.length && !closed; start += globalBatch) {
                int global = Math.min(globalBatch, order.length - start);
                if (global < globalBatch && dropLast) {
                    break;
                }
                int first = start + shard.start(global);
                int size = shard.size(global);
                byte[] pixels = new byte[size * per];
                long[] labels = new long[size];
                int[] indices = new int[size];
                for (int i = 0; i < size; i++) {
                    int idx = order[first + i];
                    System.arraycopy(data.pixels(), idx * per, pixels, i * per, per);
                    labels[i] = data.labels()[idx];
                    indices[i] = idx;
                }
                put(prepared(new Batch(pixels, labels, indices, data.height(), data.width(), data.channels())));
            }
            put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            try {
                put(e);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Batch prepared(Batch batch) {
        if (preparer == null || batch.size() == 0) {
            return batch;
        }
        try (PointerScope scope = new PointerScope()) {
            List<Tensor> views = preparer.prepare(batch);
            for (Tensor t : views) {
                t.retainReference(); // outlives the scope; Batch.releaseViews frees it
            }
            return batch.withViews(views);
        }
    }

    /** Seconds the consumer has spent waiting for a batch that was not ready: the input pipeline's stall time. */
    public double waitSeconds() {
        return waitNanos / 1e9;
    }

    private void put(Object item) throws InterruptedException {
        while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
            // wait for the consumer, or for close()
        }
    }

    @Override
    public Iterator<Batch> iterator() {
        if (iterated) {
            throw new IllegalStateException("a BatchLoader iterates one epoch once; make a new one per epoch");
        }
        iterated = true;
        return new Iterator<>() {
            private Batch next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    Object item = take();
                    if (item instanceof RuntimeException e) {
                        throw new RobustifyException("batch loading failed: " + e.getMessage(), e);
                    }
                    if (item == END) {
                        done = true;
                    } else {
                        next = (Batch) item;
                    }
                }
                return next != null;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Batch b = next;
                next = null;
                return b;
            }
        };
    }

    private Object take() {
        long start = System.nanoTime();
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RobustifyException("interrupted while waiting for the next batch");
        } finally {
            waitNanos += System.nanoTime() - start;
        }
    }

    @Override
    public void close() {
        closed = true;
        producer.interrupt();
        for (Object item : queue) {
            if (item instanceof Batch b) {
                b.releaseViews();
            }
        }
        queue.clear();
    }
}
