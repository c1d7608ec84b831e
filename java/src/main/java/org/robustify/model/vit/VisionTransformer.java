package org.robustify.model.vit;

import static org.bytedeco.pytorch.global.torch.cat;

import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustify.model.BlockModel;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.runtime.RobustifyException;

/**
 * timm's VisionTransformer (class token, learned position embedding, pre-norm blocks, LayerNorm eps 1e-6, exact
 * GELU, qkv with bias, head on the class token), with parameter names equal to timm's state_dict keys
 * ("cls_token", "pos_embed", "patch_embed.proj.weight", "blocks.0.attn.qkv.weight", "norm.weight", "head.bias").
 *
 * <p>The position embedding is sized for the InputSpec's image, so inputs must have exactly that size.
 */
public final class VisionTransformer extends Module implements BlockModel {
    public final Tensor clsToken;
    public final Tensor posEmbed;
    public final PatchEmbed patchEmbed;
    public final VitBlocks blocks;
    public final LayerNormImpl norm;
    public final LinearImpl head;

    private final VitConfig config;
    private final int patch;
    private final int height;
    private final int width;

    public VisionTransformer(VitConfig config, InputSpec spec, ModelOptions options) {
        this.config = config;
        this.patch = options.resolvedPatchSize(spec);
        this.height = spec.height();
        this.width = spec.width();
        if (height % patch != 0 || width % patch != 0) {
            throw new RobustifyException(config.zooName() + ": image size " + height + "x" + width
                    + " is not a multiple of the patch size " + patch + " (set the patch size explicitly)");
        }
        if (config.dim() % config.heads() != 0) {
            throw new RobustifyException(config.zooName() + ": width " + config.dim() + " is not divisible by "
                    + config.heads() + " heads");
        }
        int depth = options.vitDepth() > 0 ? options.vitDepth() : config.depth();
        long dim = config.dim();
        long tokens = 1L + (long) (height / patch) * (width / patch);
        // Own parameters first, then children in registration order: the same order as timm's state_dict.
        // Keep our own handles (same TensorImpl as the registered ones): register_parameter returns a reference
        // into the module's parameter vector, which the next registration may reallocate (a dangling pointer).
        clsToken = torch.zeros(1, 1, dim);
        posEmbed = torch.zeros(1, tokens, dim);
        register_parameter("cls_token", clsToken);
        register_parameter("pos_embed", posEmbed);
        patchEmbed = register_module("patch_embed", new PatchEmbed(spec.channels(), dim, patch));
        blocks = register_module("blocks", new VitBlocks(depth, dim, config.heads(), dim * VitConfig.MLP_RATIO));
        norm = register_module("norm", Linears.layerNorm(dim));
        head = register_module("head", Linears.linear(dim, spec.classes()));
        // timm: pos_embed trunc-normal(0.02), cls_token normal(1e-6).
        TruncNormal.fill(posEmbed, 0.02);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            torch.normal_(clsToken, 0.0, 1e-6);
        }
    }

    public int patchSize() {
        return patch;
    }

    @Override
    public Tensor stem(Tensor x) {
        if (x.dim() != 4 || x.size(2) != height || x.size(3) != width) {
            throw new RobustifyException(config.zooName() + " was built for " + height + "x" + width
                    + " images (its position embedding has that many patches); got input shape "
                    + shape(x));
        }
        Tensor tokens = patchEmbed.forward(x);
        Tensor cls = clsToken.expand(x.size(0), -1, -1);
        return cat(new TensorVector(cls, tokens), 1).add(posEmbed);
    }

    @Override
    public int numBlocks() {
        return blocks.blocks.size();
    }

    @Override
    public Tensor block(int i, Tensor h) {
        return blocks.blocks.get(checkIndex(i)).forward(h);
    }

    /** timm's global_pool "token": final LayerNorm over all tokens, then the class token. */
    @Override
    public Tensor pool(Tensor h) {
        return norm.forward(h).select(1, 0);
    }

    @Override
    public Tensor head(Tensor features) {
        return head.forward(features);
    }

    @Override
    public long featureDim() {
        return config.dim();
    }

    @Override
    public Module blockModule(int i) {
        return blocks.blocks.get(checkIndex(i));
    }

    @Override
    public String blockName(int i) {
        return "blocks." + checkIndex(i);
    }

    @Override
    public Module headModule() {
        return head;
    }

    @Override
    public Module module() {
        return this;
    }

    @Override
    public String architecture() {
        return config.zooName();
    }

    private static String shape(Tensor x) {
        StringBuilder b = new StringBuilder("[");
        for (long d = 0; d < x.dim(); d++) {
            b.append(d == 0 ? "" : ", ").append(x.size(d));
        }
        return b.append(']').toString();
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= numBlocks()) {
            throw new RobustifyException(config.zooName() + " has blocks 0.." + (numBlocks() - 1) + "; got " + i);
        }
        return i;
    }
}
