package org.robustify.dist;

/**
 * This rank's share of a global batch. A global batch of {@code n} rows (the same rows, in the same order, as one
 * process would train on) is cut into {@code worldSize} contiguous pieces whose sizes differ by at most one, the
 * larger first; gradients are then weighted by each piece's share ({@link #weight}), so W processes × batch b follow
 * the same arithmetic as 1 process × batch W·b even when the last batch does not divide evenly.
 */
public record Shard(int rank, int worldSize) {
    public static final Shard WHOLE = new Shard(0, 1);

    public Shard {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank " + rank + " of " + worldSize);
        }
    }

    public static Shard of(DistEnv env) {
        return new Shard(env.rank(), env.worldSize());
    }

    /** First row of this rank's piece of an {@code n}-row global batch. */
    public int start(int n) {
        int base = n / worldSize;
        int extra = n % worldSize;
        return rank * base + Math.min(rank, extra);
    }

    /** Rows in this rank's piece (possibly 0 when n < worldSize). */
    public int size(int n) {
        return n / worldSize + (rank < n % worldSize ? 1 : 0);
    }

    /** This piece's share of the global batch: the factor on its mean-loss gradient before the sum over ranks. */
    public double weight(int n) {
        return n == 0 ? 0 : size(n) / (double) n;
    }
}
