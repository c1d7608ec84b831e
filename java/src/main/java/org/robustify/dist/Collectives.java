package org.robustify.dist;

import java.util.List;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The collective operations training and evaluation need, over c10d process groups (never a home-made protocol).
 * {@link #open} gives a no-op group for one process and a Gloo group (CPU tensors) otherwise. Every failure of a peer
 * (crash, timeout) surfaces as a {@link CommunicationFailure} naming this rank, never as a hang.
 */
public interface Collectives extends AutoCloseable {
    int rank();

    int worldSize();

    /** Sums each tensor over all ranks, in place; the tensors are reduced concurrently (one c10d work each). */
    void allReduceSum(List<Tensor> tensors, String what);

    /**
     * Element-wise sum of {@code values} over all ranks, in float64: counts up to 2^53 add up exactly, so counts are
     * reduced rather than averages of averages.
     */
    default double[] sum(double[] values, String what) {
        if (worldSize() == 1) {
            return values.clone();
        }
        try (PointerScope scope = new PointerScope(); DoublePointer in = new DoublePointer(values)) {
            Tensor t = torch.from_blob(in, new long[] {values.length}, new TensorOptions(ScalarType.Double)).clone();
            allReduceSum(List.of(t), what);
            double[] out = new double[values.length];
            t.data_ptr_double().get(out);
            return out;
        }
    }

    /** Overwrites each tensor with rank {@code root}'s copy. */
    void broadcast(List<Tensor> tensors, int root, String what);

    /** Returns once every rank has called it. */
    void barrier(String what);

    /** Seconds spent inside collectives since the group opened (the communication share of step time). */
    double communicationSeconds();

    @Override
    void close();

    static Collectives open(DistEnv env) {
        return env.distributed() ? GlooCollectives.connect(env) : new SingleProcess();
    }

    /** One process: every collective is the identity. */
    final class SingleProcess implements Collectives {
        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int worldSize() {
            return 1;
        }

        @Override
        public void allReduceSum(List<Tensor> tensors, String what) {}

        @Override
        public void broadcast(List<Tensor> tensors, int root, String what) {}

        @Override
        public void barrier(String what) {}

        @Override
        public double communicationSeconds() {
            return 0;
        }

        @Override
        public void close() {}
    }
}
