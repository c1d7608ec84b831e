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
    /** Optional rewrites of the attention's and the MLP's outputs before each residual add (adapters). */
    public final HookSlot attnOutHook = new HookSlot(this, "attention output");
    public final HookSlot mlpOutHook = new HookSlot(this, "mlp output");

    public VitBlock(long dim, long heads, long mlpHidden) {
        norm1 = register_module("norm1", Linears.layerNorm(dim));
        attn = register_module("attn", new Attention(dim, heads));
        norm2 = register_module("norm2", Linears.layerNorm(dim));
        mlp = register_module("mlp", new Mlp(dim, mlpHidden));
    }

    public Tensor forward(Tensor x) {
        Tensor h = norm1.forward(x);
        x = x.add(attnOutHook.apply(h, attn.forward(h)));
        h = norm2.forward(x);
        return x.add(mlpOutHook.apply(h, mlp.forward(h)));
    }
}
