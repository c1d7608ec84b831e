package org.robustify.model.resnet;

import static org.bytedeco.pytorch.global.torch.relu;

import java.util.List;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Tensor;

/** ResNet-18/34 block: two 3x3 convs with BatchNorm, identity (or projected) shortcut, ReLU after the sum. */
public final class BasicBlock extends ResidualBlock {
    public final Conv2dImpl conv1;
    public final BatchNorm2dImpl bn1;
    public final Conv2dImpl conv2;
    public final BatchNorm2dImpl bn2;
    /** Null when the block keeps its input's shape. */
    public final Downsample downsample;

    public BasicBlock(long inChannels, long planes, long stride) {
        super(2);
        conv1 = register_module("conv1", ConvBn.conv(inChannels, planes, 3, stride, 1));
        bn1 = register_module("bn1", ConvBn.bn(planes));
        conv2 = register_module("conv2", ConvBn.conv(planes, planes, 3, 1, 1));
        bn2 = register_module("bn2", ConvBn.bn(planes));
        downsample = stride != 1 || inChannels != planes
                ? register_module("downsample", new Downsample(inChannels, planes, stride))
                : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = relu(convBn(0, conv1, bn1, x));
        out = convBn(1, conv2, bn2, out);
        Tensor shortcut = downsample == null ? x : downsample.forward(x);
        return relu(addShortcut(x, out, shortcut));
    }

    @Override
    public List<Conv2dImpl> branchConvs() {
        return List.of(conv1, conv2);
    }

    @Override
    public long expansion() {
        return 1;
    }
}
