package org.robustify.peft;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.robustify.model.vit.OutputHook;
import org.robustify.runtime.RobustifyException;

/**
 * What every LoRA branch shares, whatever the frozen layer (Linear: {@link LoraBranch}; Conv2d: {@link
 * LoraConvBranch}): output + (α/r)·B·A·x with A Kaiming-uniform (a = √5: uniform ±1/√fan_in, PEFT's init) and B = 0,
 * so the branch starts as an exact no-op; and merging, which folds (α/r)·B∘A into the frozen weight and disables the
 * branch. Parameters are registered as {@code lora_A} and {@code lora_B}.
 */
public abstract class LoraModule extends Module implements OutputHook {
    private final Tensor a;
    private final Tensor b;
    private final double scale;
    private boolean merged;

    /** A of {@code shapeA} (fan-in {@code fanIn}), B of {@code shapeB} in zeros, scale α/r. */
    protected LoraModule(long[] shapeA, long[] shapeB, long fanIn, double scale) {
        this.scale = scale;
        // Own handles, registered afterwards (register_parameter's return value may dangle, see VisionTransformer).
        a = torch.empty(shapeA);
        b = torch.zeros(shapeB);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            double bound = 1 / Math.sqrt(fanIn); // kaiming_uniform_(a=√5): gain √(1/3) · √(3/fan_in)
            torch.uniform_(a, -bound, bound);
        }
        register_parameter("lora_A", a);
        register_parameter("lora_B", b);
    }

    public Tensor loraA() {
        return a;
    }

    public Tensor loraB() {
        return b;
    }

    /** α/r. */
    public double scale() {
        return scale;
    }

    public boolean merged() {
        return merged;
    }

    /** B·A·x, unscaled, in the frozen layer's output shape. */
    protected abstract Tensor branch(Tensor input);

    /** Adds {@code scale}·B∘A to the frozen layer's weight (called without grad). */
    protected abstract void addToBase(double scale);

    @Override
    public final Tensor apply(Tensor input, Tensor output) {
        if (merged) {
            return output;
        }
        return output.add(branch(input), new Scalar(scale));
    }

    /**
     * Folds the branch into the base weight (W0 += (α/r)·B∘A) and disables it, so the model computes the same
     * function with no extra work; the LoRA parameters stop training. Merging twice is an error.
     */
    public final void merge() {
        if (merged) {
            throw new RobustifyException("this LoRA branch is already merged");
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            addToBase(scale);
        }
        a.requires_grad_(false);
        b.requires_grad_(false);
        merged = true;
    }
}
