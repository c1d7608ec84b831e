package org.robustify.model.vit;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** Non-overlapping patches to tokens: a p x p stride-p conv ("patch_embed.proj"), then [N, C, h, w] -> [N, hw, C]. */
public final class PatchEmbed extends Module {
    public final Conv2dImpl proj;

    public PatchEmbed(long channels, long dim, long patch) {
        Conv2dOptions o = new Conv2dOptions(channels, dim, new LongPointer(patch, patch));
        o.stride().put(new LongPointer(patch, patch));
        // PyTorch's default conv init, as timm leaves it (init_weights_vit_timm only touches Linear layers).
        proj = register_module("proj", new Conv2dImpl(o));
    }

    public Tensor forward(Tensor x) {
        return proj.forward(x).flatten(2, -1).transpose(1, 2);
    }
}
