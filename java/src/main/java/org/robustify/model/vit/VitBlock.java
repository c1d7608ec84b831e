package org.robustify.model.vit;

import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)) (no layer scale, no drop path). */
public final class VitBlock extends Module {
    public final LayerNormImpl norm1;
    public final Attention attn;
    public final LayerNormImpl norm2;
    public final Mlp mlp;

    public VitBlock(long dim, long heads, long mlpHidden) {
        norm1 = register_module("norm1", Linears.layerNorm(dim));
        attn = register_module("attn", new Attention(dim, heads));
        norm2 = register_module("norm2", Linears.layerNorm(dim));
        mlp = register_module("mlp", new Mlp(dim, mlpHidden));
    }

    public Tensor forward(Tensor x) {
        x = x.add(attn.forward(norm1.forward(x)));
        return x.add(mlp.forward(norm2.forward(x)));
    }
}
