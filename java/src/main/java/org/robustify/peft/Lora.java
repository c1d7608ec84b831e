package org.robustify.peft;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.Module;
import org.robustify.model.vit.HookSlot;
import org.robustify.model.vit.VisionTransformer;
import org.robustify.model.vit.VitBlock;
import org.robustify.runtime.RobustifyException;

/** The LoRA branches {@link Strategy#LORA} injected into a ViT, and merging them into the base weights. */
public final class Lora {
    private Lora() {}

    /** Every LoRA branch of the model, block by block (qkv, fc1, fc2); empty when none was injected. */
    public static List<LoraBranch> branches(VisionTransformer vit) {
        List<LoraBranch> out = new ArrayList<>();
        for (VitBlock b : vit.blocks.blocks) {
            for (HookSlot slot : List.of(b.attn.qkvHook, b.mlp.fc1Hook, b.mlp.fc2Hook)) {
                Module m = slot.module();
                if (m instanceof LoraBranch lora) {
                    out.add(lora);
                }
            }
        }
        return out;
    }

    /** Merges every branch (W0 += (α/r)·B·A); returns how many. Fails on a model without LoRA. */
    public static int merge(VisionTransformer vit) {
        List<LoraBranch> all = branches(vit);
        if (all.isEmpty()) {
            throw new RobustifyException("merge: the model has no LoRA branches (apply Strategy.LORA first)");
        }
        for (LoraBranch b : all) {
            b.merge();
        }
        return all.size();
    }

    /** Trainable LoRA elements per ViT block for width d, MLP hidden h and rank r: q, k, v 6rd, fc1 r(d+h), fc2 r(h+d). */
    public static long parametersPerBlock(long dim, long mlpHidden, int rank) {
        return 6L * rank * dim + 2L * rank * (dim + mlpHidden);
    }
}
