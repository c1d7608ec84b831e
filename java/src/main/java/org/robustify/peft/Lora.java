package org.robustify.peft;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.Module;
import org.robustify.model.ImageClassifier;
import org.robustify.model.resnet.ResNet;
import org.robustify.model.resnet.ResidualBlock;
import org.robustify.model.vit.HookSlot;
import org.robustify.model.vit.VisionTransformer;
import org.robustify.model.vit.VitBlock;
import org.robustify.runtime.RobustifyException;

/** The LoRA branches {@link Strategy#LORA} injected into a ViT or a ResNet, and merging them into the base weights. */
public final class Lora {
    private Lora() {}

    /**
     * Every LoRA branch of the model in execution order: per ViT block qkv, fc1, fc2 ({@link LoraBranch}); per
     * ResNet residual block its branch convs ({@link LoraConvBranch}). Empty when none was injected.
     */
    public static List<LoraModule> branches(ImageClassifier model) {
        List<HookSlot> slots = new ArrayList<>();
        if (model instanceof VisionTransformer vit) {
            for (VitBlock b : vit.blocks.blocks) {
                slots.addAll(List.of(b.attn.qkvHook, b.mlp.fc1Hook, b.mlp.fc2Hook));
            }
        } else if (model instanceof ResNet net) {
            for (ResidualBlock b : net.residualBlocks()) {
                for (int i = 0; i < b.branchConvs().size(); i++) {
                    slots.add(b.convHook(i));
                }
            }
        }
        List<LoraModule> out = new ArrayList<>();
        for (HookSlot slot : slots) {
            Module m = slot.module();
            if (m instanceof LoraModule lora) {
                out.add(lora);
            }
        }
        return out;
    }

    /** Merges every branch (W0 += (α/r)·B∘A); returns how many. Fails on a model without LoRA. */
    public static int merge(ImageClassifier model) {
        List<LoraModule> all = branches(model);
        if (all.isEmpty()) {
            throw new RobustifyException("merge: the model has no LoRA branches (apply Strategy.LORA first)");
        }
        for (LoraModule b : all) {
            b.merge();
        }
        return all.size();
    }

    /**
     * Trainable LoRA elements per ViT block for width d, MLP hidden h and rank r: q, k, v 6rd, fc1 r(d+h), fc2 r(h+d).
     */
    public static long parametersPerBlock(long dim, long mlpHidden, int rank) {
        return 6L * rank * dim + 2L * rank * (dim + mlpHidden);
    }

    /** Trainable LoRA elements on one k×k conv in → out at rank r: A r·in·k², B out·r. */
    public static long parametersPerConv(long in, long out, long kernel, int rank) {
        return (long) rank * in * kernel * kernel + out * rank;
    }
}
