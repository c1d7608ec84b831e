/**
 * TorchScript import: a user's scripted model ({@code torch.jit.script(model).save("m.pt")} in Python) loaded as a
 * libtorch JitModule and used like a zoo model.
 *
 * <p>The contract a scripted model must meet:
 * <ul>
 *   <li>{@code forward(x) -> logits}: x is a normalised float32 NCHW batch, the result a float Tensor [N, classes]
 *       (not a tuple or dict). Required; this is all that evaluation and plain training need.</li>
 *   <li>{@code forward_features(x) -> [N, D]}: pooled features. Optional; needed to use the model as a teacher or
 *       student whose features are read (feature distillation, robustify's heads).</li>
 *   <li>the head, features to logits, as a method {@code forward_head(features) -> [N, classes]} or, failing that,
 *       a submodule named {@code head} whose forward does it. Needed together with {@code forward_features}.</li>
 * </ul>
 * Export the extra methods with {@code @torch.jit.export}, or TorchScript drops them: it compiles only what
 * forward reaches. Every parameter is trainable after loading (scripted archives load with requires_grad false);
 * freeze with the usual name globs on {@link org.robustify.model.jit.TorchScriptModel#module()}.
 */
package org.robustify.model.jit;
