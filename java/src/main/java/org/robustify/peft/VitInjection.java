package org.robustify.peft;

import org.robustify.model.vit.VisionTransformer;
import org.robustify.model.vit.VitBlock;

/** Attaches each injecting strategy's modules to a ViT's hook slots (new names; timm names untouched). */
final class VitInjection {
    private VitInjection() {}

    static void lora(VisionTransformer vit, PeftSettings s) {
        for (VitBlock b : vit.blocks.blocks) {
            b.attn.qkvHook.attach("qkv_lora", new LoraBranch(b.attn.qkv, 3, s.loraRank(), s.loraAlpha()));
            b.mlp.fc1Hook.attach("fc1_lora", new LoraBranch(b.mlp.fc1, 1, s.loraRank(), s.loraAlpha()));
            b.mlp.fc2Hook.attach("fc2_lora", new LoraBranch(b.mlp.fc2, 1, s.loraRank(), s.loraAlpha()));
        }
    }

    static void adapters(VisionTransformer vit, PeftSettings s) {
        long dim = vit.featureDim();
        long hidden = Injection.adapterHidden(dim, s);
        for (VitBlock b : vit.blocks.blocks) {
            b.attnOutHook.attach("attn_adapter", new BottleneckAdapter(dim, hidden));
            b.mlpOutHook.attach("mlp_adapter", new BottleneckAdapter(dim, hidden));
        }
    }

    static void compacter(VisionTransformer vit, PeftSettings s) {
        long dim = vit.featureDim();
        long hidden = Injection.compacterHidden(dim, s);
        PhmRules rules = Injection.sharedRules(vit, s);
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
