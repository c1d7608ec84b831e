package org.robustify.model.vit;

import org.bytedeco.pytorch.Tensor;

/**
 * Rewrites a sub-layer's output given its input: how parameter-efficient fine-tuning modules (LoRA, adapters,
 * (IA)³) join a ViT or a ResNet without replacing its timm-named layers. Implemented by the injected {@code Module}s.
 */
public interface OutputHook {
    Tensor apply(Tensor input, Tensor output);
}
