package org.robustify.model.vit;

import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LayerNormOptions;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.global.torch;

/** Linear and LayerNorm factories with timm's ViT initialisation and epsilon. */
final class Linears {
    /** timm's ViTs use LayerNorm(eps=1e-6), not PyTorch's 1e-5. */
    static final double LN_EPS = 1e-6;

    private Linears() {}

    /** Linear with bias, weight trunc-normal(std 0.02), bias 0 (timm's init_weights_vit_timm). */
    static LinearImpl linear(long in, long out) {
        LinearImpl l = new LinearImpl(in, out);
        TruncNormal.fill(l.weight(), 0.02);
        torch.zeros_(l.bias());
        return l;
    }

    static LayerNormImpl layerNorm(long dim) {
        // new long[] {dim}: LongVector(long) alone would mean "a vector of dim zeros".
        LayerNormOptions o = new LayerNormOptions(new LongVector(new long[] {dim}));
        o.eps().put(LN_EPS);
        return new LayerNormImpl(o);
    }
}
