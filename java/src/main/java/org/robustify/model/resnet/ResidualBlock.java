package org.robustify.model.resnet;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** A ResNet residual block (BasicBlock or Bottleneck): a Java module whose forward the model calls directly. */
public abstract class ResidualBlock extends Module {
    public abstract Tensor forward(Tensor x);

    /** Output channels per "planes" unit: 1 for BasicBlock, 4 for Bottleneck. */
    public abstract long expansion();
}
