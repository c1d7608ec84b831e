package org.robustify.model.resnet;

import static org.bytedeco.pytorch.global.torch.relu;

import java.util.List;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Tensor;

/**
 * ResNet-50 block: 1x1 reduce, 3x3 (carrying the stride, "ResNet v1.5" as in torchvision and timm), 1x1 expand
 * to 4x planes, shortcut, ReLU after the sum.
 */
public final class Bottleneck extends ResidualBlock {
    public static final long EXPANSION = 4;

    public final Conv2dImpl conv1;
    public final BatchNorm2dImpl bn1;
    public final Conv2dImpl conv2;
    public final BatchNorm2dImpl bn2;
    public final Conv2dImpl conv3;
    public final BatchNorm2dImpl bn3;
    /** Null when the block keeps its input's shape. */
    public final Downsample downsample;

    public Bottleneck(long inChannels, long planes, long stride) {
        super(3);
        long out = planes * EXPANSION;
        conv1 = register_module("conv1", ConvBn.conv(inChannels, planes, 1, 1, 0));
        bn1 = register_module("bn1", ConvBn.bn(planes));
        conv2 = register_module("conv2", ConvBn.conv(planes, planes, 3, stride, 1));
        bn2 = register_module("bn2", ConvBn.bn(planes));
        conv3 = register_module("conv3", ConvBn.conv(planes, out, 1, 1, 0));
        bn3 = register_module("bn3", ConvBn.bn(out));
        downsample = stride != 1 || inChannels != out
                ? register_module("downsample", new Downsample(inChannels, out, stride))
                : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor out = relu(convBn(0, conv1, bn1, x));
        out = relu(convBn(1, conv2, bn2, out));
        out = convBn(2, conv3, bn3, out);
        Tensor shortcut = downsample == null ? x : downsample.forward(x);
        return relu(addShortcut(x, out, shortcut));
    }

    @Override
    public List<Conv2dImpl> branchConvs() {
        return List.of(conv1, conv2, conv3);
    }

    @Override
    public long expansion() {
        return EXPANSION;
    }
}
