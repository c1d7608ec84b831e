package org.robustify.peft;

import static org.bytedeco.pytorch.global.torch.cat;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.robustify.model.vit.OutputHook;
import org.robustify.runtime.RobustifyException;

/**
 * LoRA on a frozen Linear W0: output + (α/r)·B·A·x. The output rows may be split into {@code groups} equal parts,
 * each with its own (A, B) pair, so the fused qkv projection gets separate LoRA on q, k and v exactly as on three
 * Linears. Parameters: {@code lora_A} [groups·r, in] (each group's A stacked), {@code lora_B} [out, r] (each
 * group's B stacked). A is Kaiming-uniform with a = √5 (uniform ±1/√in, PEFT's init), B is 0, so the branch starts
 * as a no-op.
 */
public final class LoraBranch extends Module implements OutputHook {
    private final LinearImpl base;
    private final Tensor a;
    private final Tensor b;
    private final int groups;
    private final int rank;
    private final long groupOut;
    private final double scale;
    private boolean merged;

    public LoraBranch(LinearImpl base, int groups, int rank, double alpha) {
        this.base = base;
        long in = base.weight().size(1);
        long out = base.weight().size(0);
        if (groups <= 0 || out % groups != 0) {
            throw new RobustifyException("LoRA: " + out + " output features cannot be split into " + groups
                    + " groups");
        }
        this.groups = groups;
        this.rank = rank;
        this.groupOut = out / groups;
        this.scale = alpha / rank;
        // Own handles, registered afterwards (register_parameter's return value may dangle, see VisionTransformer).
        a = torch.empty(groups * (long) rank, in);
        b = torch.zeros(out, rank);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            double bound = 1 / Math.sqrt(in); // kaiming_uniform_(a=√5): gain √(1/3) · √(3/fan_in)
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

    public boolean merged() {
        return merged;
    }

    @Override
    public Tensor apply(Tensor input, Tensor output) {
        if (merged) {
            return output;
        }
        Tensor z = input.matmul(a.t()); // [..., groups·r]
        Tensor delta;
        if (groups == 1) {
            delta = z.matmul(b.t());
        } else {
            TensorVector parts = new TensorVector();
            for (int g = 0; g < groups; g++) {
                parts.push_back(z.narrow(-1, (long) g * rank, rank).matmul(b.narrow(0, g * groupOut, groupOut).t()));
            }
            delta = cat(parts, -1);
        }
        return output.add(delta, new Scalar(scale));
    }

    /**
     * Folds the branch into the base weight (W0 += (α/r)·B·A per group) and disables it, so the model computes the
     * same function with no extra work; the LoRA parameters stop training. Merging twice is an error.
     */
    public void merge() {
        if (merged) {
            throw new RobustifyException("this LoRA branch is already merged");
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor w = base.weight();
            for (int g = 0; g < groups; g++) {
                Tensor delta = b.narrow(0, g * groupOut, groupOut).mm(a.narrow(0, (long) g * rank, rank));
                w.narrow(0, g * groupOut, groupOut).add_(delta, new Scalar(scale));
            }
        }
        a.requires_grad_(false);
        b.requires_grad_(false);
        merged = true;
    }
}
