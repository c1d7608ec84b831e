package org.robustify.loss;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.bindings.RobustifyNative;
import org.robustify.bindings.RobustifyNative.RfyDistillPair;
import org.robustify.bindings.RobustifyNative.RfyTensor;
import org.robustify.runtime.NativeException;
import org.robustify.runtime.Profiling;
import org.robustify.runtime.RobustifyException;
import org.robustify.tensor.TensorBridge;

/**
 * The fused distillation loss (native kernel {@code rfy_distill_loss}): per row,
 * {@code ce·CE_ls(s, y) + λ·T²·w·KL(q ‖ softmax(s/T))}, loss and d(loss)/d(student logits) in one call, for one or
 * several (student, teacher) pairs sharing the labels. See {@code native/include/robustify/distill.h} for the exact
 * definition.
 *
 * <p>Autograd: the kernel already computed the gradient, so {@link Result#backward} hands it to libtorch as the
 * upstream gradient of each student tensor ({@code torch::autograd::backward(students, grads)}), which then flows
 * through whatever produced the logits: frozen modules get nothing, trainable ones get their gradients, with no
 * extra B×C buffers. Other scalar losses of the same step can join the same backward call.
 *
 * <p>{@link #computeAndBackward} does both in one call and, for student logits that are leaves of the autograd graph,
 * lets the kernel add its gradient straight into their {@code .grad} (no gradient buffer, no accumulation pass).
 *
 * <p>Call inside the step's PointerScope. Outputs are libtorch tensors on the logits' device.
 */
public final class DistillationLoss {
    private DistillationLoss() {}

    /** One term: student logits (may require grad), teacher logits or probabilities, optional per-row weights. */
    public record Pair(Tensor student, Tensor teacher, Tensor rowWeights, DistillOptions options) {
        public Pair(Tensor student, Tensor teacher, DistillOptions options) {
            this(student, teacher, null, options);
        }
    }

    /** Per pair: the reduced loss (0-D), its parts, per-row values, and the gradient w.r.t. the student logits. */
    public static final class Result {
        private final List<Tensor> students;
        private final List<Tensor> grads;
        private final List<Tensor> rows;
        private final List<Tensor> stats;

        private final boolean[] accumulated;
        private boolean backPropagated;

        Result(List<Tensor> students, List<Tensor> grads, List<Tensor> rows, List<Tensor> stats,
                boolean[] accumulated) {
            this.students = students;
            this.grads = grads;
            this.rows = rows;
            this.stats = stats;
            this.accumulated = accumulated;
        }

        /** Reduced loss of pair i as a 0-D float tensor (not part of the autograd graph: use backward()). */
        public Tensor loss(int i) {
            return stats.get(i).select(0, 0);
        }

        /** Sum of all pairs' reduced losses, as a Java float (synchronises on CUDA). */
        public float total() {
            float sum = 0;
            for (int i = 0; i < stats.size(); i++) {
                sum += stats.get(i).select(0, 0).item_float();
            }
            return sum;
        }

        /**
         * d(loss_i)/d(student_i); for a leaf student whose gradient {@link #computeAndBackward} accumulated in the
         * kernel, the leaf's {@code .grad} (the accumulated total).
         */
        public Tensor grad(int i) {
            return grads.get(i);
        }

        /** [B, 4] float: total, CE part, KD part (λT²wKL), weight w per row; zeros for ignored rows. */
        public Tensor rows(int i) {
            return rows.get(i);
        }

        /** [5] float: total, CE, KD (reduced), mean w over non-ignored rows, number of non-ignored rows. */
        public Tensor stats(int i) {
            return stats.get(i);
        }

        public int pairs() {
            return grads.size();
        }

        /**
         * Back-propagates the sum of all pairs' losses, plus {@code extraLosses} (scalars of the same step, e.g. a
         * consistency loss), in one autograd pass.
         */
        public void backward(Tensor... extraLosses) {
            if (backPropagated) {
                throw new RobustifyException("these losses were already back-propagated by computeAndBackward");
            }
            backPropagate(extraLosses);
        }

        /** Autograd for the pairs the kernel did not accumulate itself (all of them after compute()). */
        private void backPropagate(Tensor... extraLosses) {
            try (var range = Profiling.range("distill/backward")) {
                TensorVector roots = new TensorVector();
                TensorVector upstream = new TensorVector();
                boolean anyAccumulated = false;
                for (int i = 0; i < students.size(); i++) {
                    anyAccumulated |= accumulated[i];
                    if (!accumulated[i] && students.get(i).requires_grad()) {
                        roots.push_back(students.get(i));
                        upstream.push_back(grads.get(i));
                    }
                }
                for (Tensor extra : extraLosses) {
                    roots.push_back(extra);
                    upstream.push_back(torch.ones_like(extra));
                }
                if (roots.size() > 0) {
                    torch.backward(roots, upstream, new BoolOptional(), false, new TensorVector());
                } else if (!anyAccumulated) {
                    throw new RobustifyException("nothing to back-propagate: no student logits require grad");
                }
            }
        }
    }

    /** Losses and gradients; nothing is back-propagated until {@link Result#backward}. */
    public static Result compute(Tensor labels, Pair... pairs) {
        return run(labels, false, pairs);
    }

    /**
     * {@code compute(labels, pairs).backward()} in one call, with the gradient accumulation fused into the kernel where
     * autograd would only add the gradient to a {@code .grad}: a student that is a leaf of the graph (logits that
     * require grad but come from no op, as in this library's loss benchmark or a cached-features probe) gets the
     * kernel's gradient added straight into its {@code .grad}, one pass over the logits instead of a gradient buffer
     * plus autograd's accumulation pass (a leaf with no {@code .grad} yet receives the kernel's buffer). Students
     * produced by ops (the usual case: a head's output) go through autograd as in {@link Result#backward}. Hooks
     * registered on a leaf student do not run for its fused part.
     */
    public static Result computeAndBackward(Tensor labels, Pair... pairs) {
        Result r = run(labels, true, pairs);
        r.backPropagate();
        r.backPropagated = true;
        return r;
    }

    private static Result run(Tensor labels, boolean accumulateLeaves, Pair... pairs) {
        if (pairs.length == 0) {
            throw new RobustifyException("at least one (student, teacher) pair is required");
        }
        TensorBridge.requireDefined(labels, "labels");
        Tensor y = labels.scalar_type().intern() == ScalarType.Long ? labels : labels.to(ScalarType.Long);
        List<Tensor> students = new ArrayList<>();
        List<Tensor> grads = new ArrayList<>();
        List<Tensor> rows = new ArrayList<>();
        List<Tensor> stats = new ArrayList<>();
        boolean[] accumulated = new boolean[pairs.length];
        RfyDistillPair table = new RfyDistillPair(pairs.length);
        // The table holds raw pointers to these descriptors and tensors: keep them reachable until the call returns.
        List<Object> keepAlive = new ArrayList<>();
        try (var range = Profiling.range("distill/forward")) {
            for (int i = 0; i < pairs.length; i++) {
                Pair p = pairs[i];
                String at = "pair " + i + ": ";
                TensorBridge.requireDefined(p.student(), at + "student");
                TensorBridge.requireDefined(p.teacher(), at + "teacher");
                if (p.student().dim() != 2 || p.teacher().dim() != 2) {
                    throw new RobustifyException(at + "student and teacher must be [B, C]; got "
                            + TensorBridge.summary(p.student()) + " and " + TensorBridge.summary(p.teacher()));
                }
                Tensor s = classContiguous(p.student());
                // The kernel only reads the teacher's memory; detaching matters only if a copy below would record.
                Tensor t = classContiguous(p.teacher().requires_grad() ? p.teacher().detach() : p.teacher());
                if (t.scalar_type().intern() != s.scalar_type().intern()) {
                    t = t.to(s.scalar_type().intern());
                }
                Tensor leafGrad = accumulateLeaves ? fusableLeafGrad(p.student(), s) : null;
                accumulated[i] = leafGrad != null;
                boolean addIntoLeafGrad = leafGrad != null && leafGrad.defined();
                // Same dtype and device; row-major (s has unit class stride, so a dense s is row-major too).
                Tensor grad = addIntoLeafGrad ? leafGrad : torch.empty_like(s);
                TensorOptions floats = new TensorOptions(ScalarType.Float).device(new DeviceOptional(s.device()));
                Tensor row = torch.empty(new long[] {s.size(0), RobustifyNative.RFY_DISTILL_ROW_COLUMNS}, floats,
                        new MemoryFormatOptional());
                Tensor stat = torch.empty(new long[] {RobustifyNative.RFY_DISTILL_STATS}, floats,
                        new MemoryFormatOptional());
                RfyDistillPair np = table.position(i);
                np.options(nativeOptions(p.options()).accumulate(addIntoLeafGrad ? 1 : 0));
                RfyTensor[] descs = {TensorBridge.describe(s, at + "student", 2),
                    TensorBridge.describe(t, at + "teacher", 2), TensorBridge.describe(grad, at + "grad", 2),
                    TensorBridge.describe(row, at + "rows", 2), TensorBridge.describe(stat, at + "stats", 1)};
                np.student(descs[0]).teacher(descs[1]).grad(descs[2]).rows(descs[3]).stats(descs[4]);
                keepAlive.add(descs);
                keepAlive.add(s);
                keepAlive.add(t);
                if (p.options().weighting() == DistillOptions.Weighting.GIVEN) {
                    if (p.rowWeights() == null) {
                        throw new RobustifyException(at + "weighting GIVEN needs row weights");
                    }
                    Tensor w = p.rowWeights().to(ScalarType.Float).contiguous();
                    RfyTensor wd = TensorBridge.describe(w, at + "row weights", 1);
                    np.row_weights(wd);
                    keepAlive.add(w);
                    keepAlive.add(wd);
                } else {
                    np.row_weights(null);
                }
                students.add(p.student());
                grads.add(grad);
                rows.add(row);
                stats.add(stat);
            }
            RfyTensor labelDesc = TensorBridge.describe(y, "labels", 1, ScalarType.Long);
            NativeException.check(RobustifyNative.rfy_distill_loss(table.position(0), pairs.length, labelDesc,
                    RobustifyNative.RFY_PATH_FAST, TensorBridge.streamFor(y)));
            java.lang.ref.Reference.reachabilityFence(keepAlive);
            java.lang.ref.Reference.reachabilityFence(table);
            for (int i = 0; i < pairs.length; i++) {
                if (accumulated[i] && !students.get(i).grad().defined()) {
                    students.get(i).mutable_grad().put(grads.get(i));  // a leaf's first gradient: the kernel's buffer
                }
            }
        }
        return new Result(students, grads, rows, stats, accumulated);
    }

    /**
     * For a leaf student the kernel may accumulate into: its {@code .grad} when that is a plain [B, C] gradient the
     * kernel can add to in place (same dtype and device, unit class stride, not itself part of a graph), or an
     * undefined tensor when it has none yet; null when the student must go through autograd (not a leaf, copied for
     * the kernel, or a {@code .grad} of another layout).
     */
    private static Tensor fusableLeafGrad(Tensor student, Tensor kernelInput) {
        if (!student.requires_grad() || !student.is_leaf() || kernelInput != student) {
            return null;
        }
        Tensor g = student.grad();
        if (!g.defined()) {
            return g;
        }
        boolean sameLayout = g.dim() == 2 && g.size(0) == student.size(0) && g.size(1) == student.size(1)
                && (g.size(1) <= 1 || g.stride(1) == 1)
                && g.scalar_type().intern() == student.scalar_type().intern()
                && g.device().type().intern() == student.device().type().intern()
                && g.device().index() == student.device().index() && !g.requires_grad();
        return sameLayout ? g : null;
    }

    /** The kernel reads rows with unit stride over classes; anything else is copied once. */
    private static Tensor classContiguous(Tensor t) {
        return t.size(1) <= 1 || t.stride(1) == 1 ? t : t.contiguous();
    }

    private static RobustifyNative.RfyDistillOptions nativeOptions(DistillOptions o) {
        RobustifyNative.RfyDistillOptions n = new RobustifyNative.RfyDistillOptions();
        RobustifyNative.rfy_distill_default_options(n);
        return n.temperature((float) o.temperature()).kd_weight((float) o.kdWeight()).ce_weight((float) o.ceWeight())
                .label_smoothing((float) o.labelSmoothing()).teacher_kind(o.teacher().ordinal())
                .weighting(o.weighting().ordinal()).reduction(o.reduction().ordinal()).ignore_index(o.ignoreIndex());
    }
}
