package org.robustify.model.vit;

import static org.bytedeco.pytorch.global.torch.scaled_dot_product_attention;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;

/** timm's multi-head self-attention: one fused qkv projection (with bias), scaled dot-product attention, proj. */
public final class Attention extends Module {
    public final LinearImpl qkv;
    public final LinearImpl proj;
    /** Optional rewrite of the fused qkv output (LoRA on q, k, v; (IA)³ on k, v). */
    public final HookSlot qkvHook = new HookSlot(this, "attn.qkv");
    private final long heads;
    private final long headDim;

    public Attention(long dim, long heads) {
        this.heads = heads;
        this.headDim = dim / heads;
        qkv = register_module("qkv", Linears.linear(dim, 3 * dim));
        proj = register_module("proj", Linears.linear(dim, dim));
    }

    public Tensor forward(Tensor x) {
        long n = x.size(0);
        long tokens = x.size(1);
        long dim = x.size(2);
        // [N, T, 3C] -> [3, N, heads, T, headDim], the layout timm splits q, k, v from.
        TensorVector qkvSplit = qkvHook.apply(x, qkv.forward(x)).reshape(n, tokens, 3, heads, headDim).permute(2, 0, 3, 1, 4).unbind(0);
        // libtorch picks the fastest exact kernel (math / flash / memory-efficient); scale = 1/sqrt(headDim).
        Tensor out = scaled_dot_product_attention(qkvSplit.get(0), qkvSplit.get(1), qkvSplit.get(2));
        return proj.forward(out.transpose(1, 2).reshape(n, tokens, dim));
    }
}
