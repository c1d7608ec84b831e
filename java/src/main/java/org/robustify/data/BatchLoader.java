package org.robustify.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.robustify.runtime.RobustifyException;

/**
 * Iterates one epoch of a dataset in batches, assembled ahead of the trainer on a background thread.
 * The order is a pure function of (seed, epoch): a resumed or repeated run sees the same batches.
 */
public final class BatchLoader implements Iterable<Batch>, AutoCloseable {
    private static final Batch END = new Batch(new byte[0], new long[0], new int[0], 0, 0, 0);

    private final ImageDataset data;
    private final int batchSize;
    private final boolean dropLast;
    private final int[] order;
    private final int startBatch;
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
        if (batchSize < 1) {
            throw new RobustifyException("batch size must be >= 1; got " + batchSize);
        }
        if (prefetch < 1) {
            throw new RobustifyException("prefetch must be >= 1; got " + prefetch);
        }
        this.data = data;
        this.batchSize = batchSize;
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
        return dropLast ? data.size() / batchSize : (data.size() + batchSize - 1) / batchSize;
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
            for (int start = startBatch * batchSize; start < order.length && !closed; start += batchSize) {
                int size = Math.min(batchSize, order.length - start);
                if (size < batchSize && dropLast) {
                    break;
                }
                byte[] pixels = new byte[size * per];
                long[] labels = new long[size];
                int[] indices = new int[size];
                for (int i = 0; i < size; i++) {
                    int idx = order[start + i];
                    System.arraycopy(data.pixels(), idx * per, pixels, i * per, per);
                    labels[i] = data.labels()[idx];
                    indices[i] = idx;
                }
                put(new Batch(pixels, labels, indices, data.height(), data.width(), data.channels()));
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
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RobustifyException("interrupted while waiting for the next batch");
        }
    }

    @Override
    public void close() {
        closed = true;
        producer.interrupt();
        queue.clear();
    }
}
