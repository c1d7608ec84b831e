package org.robustify.model.resnet;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.FanModeType;
import org.bytedeco.pytorch.Nonlinearity;
import org.bytedeco.pytorch.kFanOut;
import org.bytedeco.pytorch.kReLU;
import org.bytedeco.pytorch.global.torch;

/** Factories for ResNet's bias-free convolutions and its batch norms, initialised as torchvision and timm do. */
final class ConvBn {
    private ConvBn() {}

    /** k x k convolution without bias (the following BatchNorm has one), kaiming-normal fan_out / ReLU. */
    static Conv2dImpl conv(long in, long out, long k, long stride, long padding) {
        Conv2dOptions o = new Conv2dOptions(in, out, new LongPointer(k, k));
        o.stride().put(new LongPointer(stride, stride));
        o.padding().put(new LongPointer(padding, padding));
        o.bias().put(false);
        Conv2dImpl conv = new Conv2dImpl(o);
        // fan_out keeps the backward signal's variance; what torchvision's and timm's ResNets use.
        torch.kaiming_normal_(conv.weight(), 0.0, new FanModeType(new kFanOut()), new Nonlinearity(new kReLU()));
        return conv;
    }

    /** BatchNorm with PyTorch's defaults (eps 1e-5, momentum 0.1, weight 1, bias 0) and running statistics. */
    static BatchNorm2dImpl bn(long channels) {
        return new BatchNorm2dImpl(new BatchNormOptions(channels));
    }
}
