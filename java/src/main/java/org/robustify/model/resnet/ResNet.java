package org.robustify.model.resnet;

import static org.bytedeco.pytorch.global.torch.adaptive_avg_pool2d;
import static org.bytedeco.pytorch.global.torch.max_pool2d;
import static org.bytedeco.pytorch.global.torch.relu;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.BlockModel;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.runtime.RobustifyException;

/**
 * ResNet-18/34/50 in the torchvision/timm layout, so parameter and buffer names equal their state_dict keys
 * ("conv1.weight", "layer2.0.downsample.1.running_var", "fc.bias") and their weights load unchanged.
 *
 * <p>Two stems: "imagenet" (7x7 stride-2 conv, 3x3 stride-2 max-pool) and "cifar" (3x3 stride-1 conv, no pool),
 * which keeps small images from shrinking to 1x1 before layer4. Blocks are the residual blocks in order.
 */
public final class ResNet extends Module implements BlockModel {
    /** Zoo name, block kind and blocks per stage. */
    public enum Variant {
        RESNET18("resnet18", false, 2, 2, 2, 2),
        RESNET34("resnet34", false, 3, 4, 6, 3),
        RESNET50("resnet50", true, 3, 4, 6, 3);

        public final String zooName;
        final boolean bottleneck;
        final int[] layers;

        Variant(String zooName, boolean bottleneck, int... layers) {
            this.zooName = zooName;
            this.bottleneck = bottleneck;
            this.layers = layers;
        }

        public static Variant of(String name) {
            for (Variant v : values()) {
                if (v.zooName.equals(name)) {
                    return v;
                }
            }
            throw new RobustifyException("not a ResNet variant: '" + name + "'");
        }
    }

    private static final long[] PLANES = {64, 128, 256, 512};
    private static final long[] STRIDES = {1, 2, 2, 2};

    public final Conv2dImpl conv1;
    public final BatchNorm2dImpl bn1;
    public final ResNetStage<? extends ResidualBlock> layer1;
    public final ResNetStage<? extends ResidualBlock> layer2;
    public final ResNetStage<? extends ResidualBlock> layer3;
    public final ResNetStage<? extends ResidualBlock> layer4;
    public final LinearImpl fc;

    private final Variant variant;
    private final boolean imagenetStem;
    private final long featureDim;
    /** All residual blocks in execution order, and their names ("layer1.0", ...). */
    private final List<ResidualBlock> blocks;
    private final List<String> blockNames;

    public ResNet(Variant variant, InputSpec spec, ModelOptions options) {
        this.variant = variant;
        this.imagenetStem = ModelOptions.STEM_IMAGENET.equals(options.resolvedStem(spec));
        // Registration order gives timm's key order: conv1, bn1, layer1..4, fc.
        conv1 = register_module("conv1", imagenetStem
                ? ConvBn.conv(spec.channels(), 64, 7, 2, 3)
                : ConvBn.conv(spec.channels(), 64, 3, 1, 1));
        bn1 = register_module("bn1", ConvBn.bn(64));
        ResNetStage.BlockFactory<? extends ResidualBlock> factory = variant.bottleneck
                ? (ResNetStage.BlockFactory<Bottleneck>) Bottleneck::new
                : (ResNetStage.BlockFactory<BasicBlock>) BasicBlock::new;
        long expansion = variant.bottleneck ? Bottleneck.EXPANSION : 1;
        List<ResNetStage<? extends ResidualBlock>> stages = new ArrayList<>();
        long in = 64;
        for (int s = 0; s < 4; s++) {
            stages.add(register_module("layer" + (s + 1),
                    new ResNetStage<>(factory, in, PLANES[s], variant.layers[s], STRIDES[s])));
            in = PLANES[s] * expansion;
        }
        layer1 = stages.get(0);
        layer2 = stages.get(1);
        layer3 = stages.get(2);
        layer4 = stages.get(3);
        featureDim = in;
        fc = register_module("fc", new LinearImpl(featureDim, spec.classes()));

        List<ResidualBlock> all = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            List<? extends ResidualBlock> stageBlocks = stages.get(s).blocks;
            for (int b = 0; b < stageBlocks.size(); b++) {
                all.add(stageBlocks.get(b));
                names.add("layer" + (s + 1) + "." + b);
            }
        }
        blocks = Collections.unmodifiableList(all);
        blockNames = Collections.unmodifiableList(names);
    }

    /** The residual blocks in execution order (what {@link #block} runs), for injecting modules into them. */
    public List<ResidualBlock> residualBlocks() {
        return blocks;
    }

    public boolean imagenetStem() {
        return imagenetStem;
    }

    @Override
    public Tensor stem(Tensor x) {
        Tensor h = relu(bn1.forward(conv1.forward(x)));
        if (imagenetStem) {
            h = max_pool2d(h, new long[] {3, 3}, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, false);
        }
        return h;
    }

    @Override
    public int numBlocks() {
        return blocks.size();
    }

    @Override
    public Tensor block(int i, Tensor h) {
        return blocks.get(checkIndex(i)).forward(h);
    }

    @Override
    public Tensor pool(Tensor h) {
        return adaptive_avg_pool2d(h, 1, 1).flatten(1, -1);
    }

    @Override
    public Tensor head(Tensor features) {
        return fc.forward(features);
    }

    @Override
    public long featureDim() {
        return featureDim;
    }

    @Override
    public Module blockModule(int i) {
        return blocks.get(checkIndex(i));
    }

    @Override
    public String blockName(int i) {
        return blockNames.get(checkIndex(i));
    }

    @Override
    public Module headModule() {
        return fc;
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public String architecture() {
        return variant.zooName;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= blocks.size()) {
            throw new RobustifyException(variant.zooName + " has blocks 0.." + (blocks.size() - 1) + "; got " + i);
        }
        return i;
    }
}
