package org.robustify.peft;

import org.robustify.model.vit.VisionTransformer;
import org.robustify.model.vit.VitBlock;
import org.robustify.runtime.RobustifyException;

/** Attaches each injecting strategy's modules to a ViT's hook slots (new names; timm names untouched). */
final class Injection {
    /** Name under which Compacter's shared rules are registered on the model root. */
    static final String COMPACTER_SHARED = "compacter_shared";

    private Injection() {}

    static void lora(VisionTransformer vit, PeftSettings s) {
        for (VitBlock b : vit.blocks.blocks) {
            b.attn.qkvHook.attach("qkv_lora", new LoraBranch(b.attn.qkv, 3, s.loraRank(), s.loraAlpha()));
            b.mlp.fc1Hook.attach("fc1_lora", new LoraBranch(b.mlp.fc1, 1, s.loraRank(), s.loraAlpha()));
            b.mlp.fc2Hook.attach("fc2_lora", new LoraBranch(b.mlp.fc2, 1, s.loraRank(), s.loraAlpha()));
        }
    }

    static void adapters(VisionTransformer vit, PeftSettings s) {
        long dim = vit.featureDim();
        long hidden = Math.max(1, dim / s.adapterReduction());
        for (VitBlock b : vit.blocks.blocks) {
            b.attnOutHook.attach("attn_adapter", new BottleneckAdapter(dim, hidden));
            b.mlpOutHook.attach("mlp_adapter", new BottleneckAdapter(dim, hidden));
        }
    }

    /**
     * Hidden size dim / reduction rounded up to a multiple of n (PHM layers need both sizes divisible by n; for
     * vit_tiny, 192 / 32 = 6 becomes 8).
     */
    static long compacterHidden(long dim, PeftSettings s) {
        int n = s.phmN();
        if (dim % n != 0) {
            throw new RobustifyException("compacter: the model width " + dim + " is not a multiple of phmN " + n);
        }
        long h = Math.max(1, dim / s.compacterReduction());
        return (h + n - 1) / n * n;
    }

    static void compacter(VisionTransformer vit, PeftSettings s) {
        long dim = vit.featureDim();
        long hidden = compacterHidden(dim, s);
        PhmRules rules = new PhmRules(s.phmN());
        // Registered once so the optimiser sees each shared tensor once; the adapters hold it in fields, which the
        // model's hook slots keep alive as long as the model.
        vit.register_module(COMPACTER_SHARED, rules);
        for (VitBlock b : vit.blocks.blocks) {
            b.attnOutHook.attach("attn_compacter", new CompacterAdapter(rules, dim, hidden));
            b.mlpOutHook.attach("mlp_compacter", new CompacterAdapter(rules, dim, hidden));
        }
    }

    static void ia3(VisionTransformer vit) {
        long dim = vit.featureDim();
        for (VitBlock b : vit.blocks.blocks) {
            b.attn.qkvHook.attach("qkv_ia3", Ia3Scaling.keysAndValues(dim));
            b.mlp.actHook.attach("act_ia3", Ia3Scaling.whole(b.mlp.fc1.weight().size(0)));
        }
    }
}
