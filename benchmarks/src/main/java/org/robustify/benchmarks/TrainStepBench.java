package org.robustify.benchmarks;

import java.util.concurrent.TimeUnit;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.robustify.model.CnnSmall;
import org.robustify.model.InputSpec;
import org.robustify.runtime.NativeRuntime;
import org.robustify.train.TrainStep;

/**
 * One training step of cnn-small (forward, cross-entropy, backward, Adam) on a fixed batch of 28x28 grey images:
 * the same work as benchmarks/peers/train_step.py does in PyTorch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TrainStepBench {
    @Param({"64"})
    public int batch;

    @Param({"2"})
    public int threads;

    private CnnSmall model;
    private TrainStep step;
    private Tensor images;
    private Tensor labels;

    @Setup(Level.Trial)
    public void setup() {
        NativeRuntime.init(threads);
        torch.manual_seed(0);
        model = new CnnSmall(new InputSpec(1, 28, 28, 10));
        model.train(true);
        step = new TrainStep(model, 1e-3, 0);
        images = torch.randn(batch, 1, 28, 28);
        labels = torch.randint(10L, new long[] {batch});
    }

    @Benchmark
    public float trainStep() {
        try (PointerScope scope = new PointerScope()) {
            return step.step(images, labels).loss();
        }
    }
}
