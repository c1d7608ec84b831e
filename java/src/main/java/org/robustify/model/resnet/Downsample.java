package org.robustify.model.resnet;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The shortcut projection (1x1 conv with stride, then BatchNorm) used when a block changes shape. Registered as
 * "0" and "1" so the names match torchvision/timm's nn.Sequential: "layer2.0.downsample.0.weight".
 */
public final class Downsample extends Module {
    public final Conv2dImpl conv;
    public final BatchNorm2dImpl bn;

    public Downsample(long in, long out, long stride) {
        conv = register_module("0", ConvBn.conv(in, out, 1, stride, 0));
        bn = register_module("1", ConvBn.bn(out));
    }

    public Tensor forward(Tensor x) {
        return bn.forward(conv.forward(x));
    }
}
