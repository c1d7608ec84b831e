package org.robustify.model.branch;

import org.bytedeco.pytorch.Tensor;

/**
 * The three heads' logits from one pass: {@code orig} from the untouched original path (no autograd graph),
 * {@code clean} and {@code robust} from the trainable branch.
 */
public record BranchLogits(Tensor orig, Tensor clean, Tensor robust) {}
