package org.robustify.peft;

import static org.bytedeco.pytorch.global.torch.conv2d;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.DetailConv2dOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.robustify.runtime.RobustifyException;

/**
 * LoRA on a frozen Conv2d W0 [out, in, kh, kw], as HF PEFT builds it: A is a conv with W0's kernel, stride and
 * padding producing r channels ({@code lora_A} [r, in, kh, kw], fan-in in·kh·kw), B a 1×1 conv r → out ({@code
 * lora_B} [out, r, 1, 1], zeros), no biases; output + (α/r)·B(A(x)). Since B is 1×1 and both are linear, the pair
 * is the single conv with weight B∘A [out, in, kh, kw] (Σ_r B[o, r]·A[r, i, y, x]) under W0's stride and padding,
 * which is what {@link #merge} adds to W0. Init and merging: {@link LoraModule}.
 */
public final class LoraConvBranch extends LoraModule {
    private static final long[] ONES = {1, 1};
    private static final long[] ZEROS = {0, 0};

    private final Conv2dImpl base;
    private final long[] stride;
    private final long[] padding;
    private final int rank;

    public LoraConvBranch(Conv2dImpl base, int rank, double alpha) {
        super(shapeA(base, rank), new long[] {base.weight().size(0), rank, 1, 1},
                base.weight().size(1) * base.weight().size(2) * base.weight().size(3), alpha / rank);
        DetailConv2dOptions o = base.options();
        this.base = base;
        this.rank = rank;
        this.stride = pair(o.stride());
        this.padding = explicitPadding(o);
    }

    /** A's shape [r, in, kh, kw], after checking that the conv is one PEFT's LoRA covers as-is. */
    private static long[] shapeA(Conv2dImpl base, int rank) {
        DetailConv2dOptions o = base.options();
        if (o.groups().get() != 1 || o.dilation().get(0) != 1 || o.dilation().get(1) != 1) {
            throw new RobustifyException("LoRA on Conv2d: only groups = 1 and dilation 1 are supported; got groups "
                    + o.groups().get() + ", dilation " + o.dilation().get(0) + "x" + o.dilation().get(1));
        }
        explicitPadding(o); // fails on padding "same"/"valid" or a non-zero padding mode
        Tensor w = base.weight();
        return new long[] {rank, w.size(1), w.size(2), w.size(3)};
    }

    /**
     * The conv's explicit zero padding (h, w). The options hold it in C++ variants, whose getters throw when the
     * variant holds another alternative.
     */
    private static long[] explicitPadding(DetailConv2dOptions o) {
        try {
            o.padding_mode().get0(); // kZeros
        } catch (RuntimeException e) {
            throw new RobustifyException("LoRA on Conv2d: only zero padding is supported (not reflect, replicate or "
                    + "circular)", e);
        }
        try {
            return pair(o.padding().get0());
        } catch (RuntimeException e) {
            throw new RobustifyException("LoRA on Conv2d: only explicit padding sizes are supported (not 'same' or "
                    + "'valid')", e);
        }
    }

    private static long[] pair(LongPointer p) {
        return new long[] {p.get(0), p.get(1)};
    }

    @Override
    protected Tensor branch(Tensor input) {
        Tensor z = conv2d(input, loraA(), new TensorOptional(), stride, padding, ONES, 1);
        return conv2d(z, loraB(), new TensorOptional(), ONES, ZEROS, ONES, 1);
    }

    /** B∘A as a conv weight [out, in, kh, kw]: the 1×1 B mixes A's r output channels. */
    Tensor composedWeight() {
        Tensor a = loraA();
        Tensor b = loraB();
        return b.view(b.size(0), rank).mm(a.view(rank, -1)).view(b.size(0), a.size(1), a.size(2), a.size(3));
    }

    @Override
    protected void addToBase(double scale) {
        base.weight().add_(composedWeight(), new Scalar(scale));
    }
}
