package org.robustify.model;

import static org.bytedeco.pytorch.global.torch.max_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.robustify.runtime.RobustifyException;

/**
 * The small CNNs (the method's teachers and the first training run): two conv-BN-ReLU-pool stages and an MLP head.
 * {@code cnn-small}: 32, 64 channels and 128 hidden units, about 0.42 M parameters and 4.2 M multiply-adds at 28x28;
 * {@code cnn-tiny}: 16, 32 channels and 64 hidden units, about 0.11 M parameters and 1.1 M multiply-adds (a few % of
 * ResNet-18's at that size, the method's teacher scale).
 *
 * <p>Every submodule is a Java field: JavaCPP would otherwise let the GC free modules libtorch still uses.
 */
public final class CnnSmall extends Module implements ImageClassifier {
    public static final String NAME = "cnn-small";
    public static final String TINY = "cnn-tiny";

    public final Conv2dImpl conv1;
    public final BatchNorm2dImpl bn1;
    public final Conv2dImpl conv2;
    public final BatchNorm2dImpl bn2;
    public final LinearImpl fc1;
    public final LinearImpl fc2;
    private final long flatFeatures;
    private final String name;

    public CnnSmall(InputSpec spec) {
        this(NAME, spec, 32, 64, 128);
    }

    public static CnnSmall tiny(InputSpec spec) {
        return new CnnSmall(TINY, spec, 16, 32, 64);
    }

    private CnnSmall(String name, InputSpec spec, int c1, int c2, int hidden) {
        this.name = name;
        if (spec.height() < 4 || spec.width() < 4) {
            throw new RobustifyException(name + " needs images of at least 4x4; got " + spec.height() + "x"
                    + spec.width());
        }
        conv1 = register_module("conv1", new Conv2dImpl(conv(spec.channels(), c1)));
        bn1 = register_module("bn1", new BatchNorm2dImpl(new BatchNormOptions(c1)));
        conv2 = register_module("conv2", new Conv2dImpl(conv(c1, c2)));
        bn2 = register_module("bn2", new BatchNorm2dImpl(new BatchNormOptions(c2)));
        flatFeatures = (long) c2 * (spec.height() / 4) * (spec.width() / 4);
        fc1 = register_module("fc1", new LinearImpl(flatFeatures, hidden));
        fc2 = register_module("fc2", new LinearImpl(hidden, spec.classes()));
    }

    private static Conv2dOptions conv(long in, long out) {
        Conv2dOptions o = new Conv2dOptions(in, out, new LongPointer(3, 3));
        o.padding().put(new LongPointer(1, 1));
        return o;
    }

    @Override
    public Tensor forward(Tensor x) {
        x = max_pool2d(relu(bn1.forward(conv1.forward(x))), 2, 2);
        x = max_pool2d(relu(bn2.forward(conv2.forward(x))), 2, 2);
        x = relu(fc1.forward(x.reshape(x.size(0), flatFeatures)));
        return fc2.forward(x);
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public String architecture() {
        return name;
    }
}
