package org.robustify.peft;

import static org.bytedeco.pytorch.global.torch.conv2d;
import static org.bytedeco.pytorch.global.torch.linear;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.robustify.runtime.RobustifyException;

/**
 * Where an injected module finds the channels of the tensor it rewrites: last ({@code [..., C]}, ViT tokens) or
 * second ({@code [N, C, H, W]}, ResNet feature maps). A per-position linear map over the channels is a Linear on
 * tokens and a 1×1 convolution on feature maps; this applies the same weight either way, so the adapters, PHM
 * layers and (IA)³ vectors are one piece of code for both families.
 */
public enum Channels {
    LAST,
    NCHW;

    /** y = W·x + b at every position: weight [out, in], bias [out] (defined). */
    Tensor linearMap(Tensor x, Tensor weight, Tensor bias) {
        return switch (this) {
            case LAST -> linear(x, weight, bias); // what LinearImpl.forward computes
            case NCHW -> {
                requireMaps(x);
                long[] one = {1, 1};
                long[] zero = {0, 0};
                Tensor kernel = weight.reshape(weight.size(0), weight.size(1), 1, 1);
                yield conv2d(x, kernel, new TensorOptional(bias), one, zero, one, 1);
            }
        };
    }

    /** x scaled channel-wise by {@code factors} [C]. */
    Tensor scale(Tensor x, Tensor factors) {
        return switch (this) {
            case LAST -> x.mul(factors);
            case NCHW -> {
                requireMaps(x);
                yield x.mul(factors.view(factors.size(0), 1, 1));
            }
        };
    }

    private static void requireMaps(Tensor x) {
        if (x.dim() != 4) {
            throw new RobustifyException("expected NCHW feature maps, got a tensor of " + x.dim() + " dimensions");
        }
    }
}
