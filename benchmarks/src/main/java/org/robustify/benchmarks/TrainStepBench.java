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
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.ModelZoo;
import org.robustify.runtime.NativeRuntime;
import org.robustify.train.TrainStep;

/**
 * One training step (forward, cross-entropy, backward, Adam lr 1e-3) of a zoo model on a fixed random batch: the
 * same work as benchmarks/peers/train_step.py does in PyTorch for the same model. cnn-small runs on 1x28x28 (its
 * Fashion-MNIST shape); resnet18 (CIFAR stem) and vit_tiny (patch 4) on 3x32x32; 10 classes throughout.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TrainStepBench {
    @Param({CnnSmall.NAME, "resnet18", "vit_tiny"})
    public String model;

    @Param({"64"})
    public int batch;

    @Param({"2"})
    public int threads;

    private ImageClassifier net;
    private TrainStep step;
    private Tensor images;
    private Tensor labels;

    @Setup(Level.Trial)
    public void setup() {
        NativeRuntime.init(threads);
        torch.manual_seed(0);
        InputSpec spec = CnnSmall.NAME.equals(model) ? new InputSpec(1, 28, 28, 10) : new InputSpec(3, 32, 32, 10);
        // Explicit, though both are the defaults at 32x32: the peer builds exactly these.
        ModelOptions options = ModelOptions.DEFAULT.withStem(ModelOptions.STEM_CIFAR).withPatchSize(4);
        net = ModelZoo.create(model, spec, options);
        NativeRuntime.useBlasThreadsFor(model);  // as the trainer does
        net.module().train(true);
        step = new TrainStep(net, 1e-3, 0);
        images = torch.randn(batch, spec.channels(), spec.height(), spec.width());
        labels = torch.randint(spec.classes(), new long[] {batch});
    }

    @Benchmark
    public float trainStep() {
        try (PointerScope scope = new PointerScope()) {
            return step.step(images, labels).loss();
        }
    }
}
