package org.robustify.peft;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bytedeco.pytorch.Tensor;
import org.robustify.model.BlockModel;
import org.robustify.model.ImageClassifier;
import org.robustify.model.Parameters;
import org.robustify.model.resnet.ResNet;
import org.robustify.model.vit.VisionTransformer;
import org.robustify.runtime.RobustifyException;

/**
 * The fine-tuning strategies of the trade-off study (spec: tradeoff.md). {@link #apply} injects the strategy's
 * modules (if any) into the model, then leaves trainable exactly the strategy's parameters plus the head, and
 * everything else frozen (requires_grad false). The head is whatever the model's head is: callers that fine-tune a
 * pre-trained model build it for the new task (a fresh head) and load the backbone before applying a strategy.
 *
 * <p>Support: every strategy on ViTs ({@link VisionTransformer}) and ResNets ({@link ResNet}; placements in
 * {@link ResNetInjection}; BatchNorm's running statistics are buffers, not parameters: they still move in train
 * mode). The small CNNs are refused with an error.
 */
public enum Strategy {
    /** Everything trains. */
    FULL,
    /** Linear probing: the head only. */
    LINEAR,
    /** Every bias, plus the head. */
    BITFIT,
    /** LoRA on q, k, v (the fused qkv split in three) and both MLP Linears; on a ResNet, each block's branch convs. */
    LORA,
    /** Bottleneck adapters after the attention and after the MLP of each block; on a ResNet on each residual branch. */
    ADAPTER,
    /** PHM adapters (Compacter) at the adapter positions, rules shared across layers. */
    COMPACTER,
    /** (IA)³ scaling vectors on k, v and the MLP intermediate activation; on a ResNet on each branch norm's output. */
    IA3;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Strategy parse(String s) {
        for (Strategy v : values()) {
            if (v.label().equals(s == null ? null : s.trim().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new RobustifyException("unknown strategy '" + s + "'; strategies are " + labels());
    }

    public static String labels() {
        List<String> out = new ArrayList<>();
        for (Strategy v : values()) {
            out.add(v.label());
        }
        return String.join(", ", out);
    }

    /** Whether this strategy injects modules (into a ViT's or a ResNet's hook slots). */
    public boolean injects() {
        return this == LORA || this == ADAPTER || this == COMPACTER || this == IA3;
    }

    public boolean supports(ImageClassifier model) {
        return Injection.supports(model);
    }

    public PeftReport apply(ImageClassifier model) {
        return apply(model, PeftSettings.DEFAULT);
    }

    public PeftReport apply(ImageClassifier model, PeftSettings settings) {
        if (!supports(model)) {
            throw new RobustifyException("strategy '" + label() + "' does not support " + model.architecture()
                    + ": the fine-tuning strategies need a ViT (vit_tiny, vit_small, vit_base) or a ResNet "
                    + "(resnet18, resnet34, resnet50)");
        }
        long before = Parameters.count(model.module(), false);
        Parameters.setRequiresGrad(model.module(), this == FULL);
        switch (this) {
            case LORA, ADAPTER, COMPACTER, IA3 -> Injection.inject(this, model, settings);
            case BITFIT -> {
                for (Map.Entry<String, Tensor> e : Parameters.named(model.module()).entrySet()) {
                    if (e.getKey().endsWith(".bias")) {
                        e.getValue().requires_grad_(true);
                    }
                }
            }
            default -> { }
        }
        // Injected modules' parameters are created trainable; the head trains under every strategy.
        Parameters.setRequiresGrad(((BlockModel) model).headModule(), true);
        long total = Parameters.count(model.module(), false);
        return new PeftReport(label(), model.architecture(), Parameters.count(model.module(), true), total,
                total - before);
    }
}
