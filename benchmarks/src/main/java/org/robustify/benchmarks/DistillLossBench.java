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
import org.robustify.loss.DistillOptions;
import org.robustify.loss.DistillationLoss;
import org.robustify.runtime.NativeRuntime;

/** KD + CE loss, forward and backward to the student logits: fused kernel vs the libtorch composition. T = 4. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DistillLossBench {
    @Param({"256", "1024"})
    public int batch;

    @Param({"10", "1000", "21843"})
    public int classes;

    @Param({"2"})
    public int threads;

    private Tensor student;
    private Tensor teacher;
    private Tensor labels;
    private DistillOptions options;

    @Setup(Level.Trial)
    public void setup() {
        NativeRuntime.init(threads);
        torch.manual_seed(0);
        student = torch.randn(batch, classes).requires_grad_(true);
        teacher = torch.randn(batch, classes);
        labels = torch.randint(classes, new long[] {batch});
        options = DistillOptions.defaults().withTemperature(4);
    }

    /** The one-call form: the leaf logits' .grad is accumulated by the kernel itself. */
    @Benchmark
    public Tensor fused() {
        try (PointerScope scope = new PointerScope()) {
            DistillationLoss.computeAndBackward(labels, new DistillationLoss.Pair(student, teacher, options));
            return student;
        }
    }

    /** The kernel's gradient handed to autograd, as for logits produced by a head (libtorch accumulates .grad). */
    @Benchmark
    public Tensor fusedAutograd() {
        try (PointerScope scope = new PointerScope()) {
            DistillationLoss.compute(labels, new DistillationLoss.Pair(student, teacher, options)).backward();
            return student;
        }
    }

    @Benchmark
    public Tensor composition() {
        try (PointerScope scope = new PointerScope()) {
            LossComposition.loss(student, teacher, labels, 4.0).backward();
            return student;
        }
    }
}
