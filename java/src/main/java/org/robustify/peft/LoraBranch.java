package org.robustify.peft;

import static org.bytedeco.pytorch.global.torch.cat;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.robustify.runtime.RobustifyException;

/**
 * LoRA on a frozen Linear W0: output + (α/r)·B·A·x. The output rows may be split into {@code groups} equal parts,
 * each with its own (A, B) pair, so the fused qkv projection gets separate LoRA on q, k and v exactly as on three
 * Linears. Parameters: {@code lora_A} [groups·r, in] (each group's A stacked), {@code lora_B} [out, r] (each
 * group's B stacked). Init and merging: {@link LoraModule}.
 */
public final class LoraBranch extends LoraModule {
    private final LinearImpl base;
    private final int groups;
    private final int rank;
    private final long groupOut;

    public LoraBranch(LinearImpl base, int groups, int rank, double alpha) {
        super(shapeA(base, groups, rank), new long[] {base.weight().size(0), rank}, base.weight().size(1),
                alpha / rank);
        this.base = base;
        this.groups = groups;
        this.rank = rank;
        this.groupOut = base.weight().size(0) / groups;
    }

    /** A's shape [groups·r, in], after checking that the output rows split into the groups. */
    private static long[] shapeA(LinearImpl base, int groups, int rank) {
        long out = base.weight().size(0);
        if (groups <= 0 || out % groups != 0) {
            throw new RobustifyException("LoRA: " + out + " output features cannot be split into " + groups
                    + " groups");
        }
        return new long[] {groups * (long) rank, base.weight().size(1)};
    }

    @Override
    protected Tensor branch(Tensor input) {
        Tensor a = loraA();
        Tensor b = loraB();
        Tensor z = input.matmul(a.t()); // [..., groups·r]
        if (groups == 1) {
            return z.matmul(b.t());
        }
        TensorVector parts = new TensorVector();
        for (int g = 0; g < groups; g++) {
            parts.push_back(z.narrow(-1, (long) g * rank, rank).matmul(b.narrow(0, g * groupOut, groupOut).t()));
        }
        return cat(parts, -1);
    }

    @Override
    protected void addToBase(double scale) {
        Tensor w = base.weight();
        for (int g = 0; g < groups; g++) {
            Tensor delta = loraB().narrow(0, g * groupOut, groupOut).mm(loraA().narrow(0, (long) g * rank, rank));
            w.narrow(0, g * groupOut, groupOut).add_(delta, new Scalar(scale));
        }
    }
}
