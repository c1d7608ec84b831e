package org.robustify.train;

import static org.bytedeco.pytorch.global.torch.zeros_like;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.robustify.runtime.RobustifyException;

/**
 * Adam and AdamW written in Java over libtorch tensors. Why not the presets' {@code torch::optim::Adam}: its per-
 * parameter state (exp_avg, exp_avg_sq, step) is not reachable from Java (the presets map no {@code state()}), and
 * a resumable checkpoint must store that state by parameter name. The arithmetic is libtorch's own
 * ({@code torch/csrc/api/src/optim/adam.cpp} and {@code adamw.cpp}, amsgrad off), op for op, so for Adam the
 * result is bit-identical to the presets' optimiser (tested).
 *
 * <p>The caller owns the parameter map (name → the parameter tensor itself) and must keep it alive.
 */
public final class AdamOptimizer {
    public enum Kind {
        /** L2 penalty added to the gradient (torch.optim.Adam's weight_decay). */
        ADAM,
        /** Decoupled weight decay: p *= 1 - lr * wd before the Adam update (torch.optim.AdamW). */
        ADAMW;

        public static Kind parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "adam" -> ADAM;
                case "adamw" -> ADAMW;
                default -> throw new RobustifyException("unknown optimizer '" + s + "'; use 'adam' or 'adamw'");
            };
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;

    /** One parameter's moments; tensors are null until its first update, as in libtorch. */
    private static final class State {
        long step;
        Tensor expAvg;
        Tensor expAvgSq;
    }

    private final Kind kind;
    private final double weightDecay;
    private final Map<String, Tensor> params;
    private final Map<String, State> state = new LinkedHashMap<>();
    private double lr;
    private Runnable beforeStep;

    /** Over the parameters of {@code module} that require gradients (the frozen ones are left out). */
    public static AdamOptimizer forTrainable(org.bytedeco.pytorch.Module module, Kind kind, double lr,
            double weightDecay) {
        if (!(lr > 0)) {
            throw new RobustifyException("--lr must be > 0; got " + lr);
        }
        if (weightDecay < 0) {
            throw new RobustifyException("--weight-decay must be >= 0; got " + weightDecay);
        }
        Map<String, Tensor> trainable = new LinkedHashMap<>();
        org.robustify.model.Parameters.named(module).forEach((name, t) -> {
            if (t.requires_grad()) {
                trainable.put(name, t);
            }
        });
        return new AdamOptimizer(trainable, kind, lr, weightDecay);
    }

    public AdamOptimizer(Map<String, Tensor> params, Kind kind, double lr, double weightDecay) {
        if (params.isEmpty()) {
            throw new RobustifyException("every parameter is frozen: nothing to train");
        }
        this.params = new LinkedHashMap<>(params);
        this.kind = kind;
        this.lr = lr;
        this.weightDecay = weightDecay;
        for (String name : params.keySet()) {
            state.put(name, new State());
        }
    }

    /** The parameters it updates (the trainable ones), by name. */
    public Map<String, Tensor> parameters() {
        return java.util.Collections.unmodifiableMap(params);
    }

    /**
     * Work to do on the gradients at the start of every {@link #step()}, after backward: data-parallel training
     * averages them over the ranks here, so every job's step is distributed without knowing it.
     */
    public void beforeStep(Runnable hook) {
        this.beforeStep = hook;
    }

    public void setLearningRate(double lr) {
        this.lr = lr;
    }

    public double learningRate() {
        return lr;
    }

    public Kind kind() {
        return kind;
    }

    /** Gradients to "none" (libtorch's default zero_grad): the next backward writes them fresh. */
    public void zeroGrad() {
        for (Tensor p : params.values()) {
            Tensor g = p.mutable_grad();
            if (g.defined()) {
                g.reset();
            }
        }
    }

    public void step() {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            if (beforeStep != null) {
                beforeStep.run();
            }
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor p = e.getValue();
                Tensor grad = p.grad();
                if (!grad.defined()) {
                    continue; // as libtorch: a parameter without a gradient keeps its state untouched
                }
                State s = state.get(e.getKey());
                if (s.expAvg == null) {
                    s.expAvg = zeros_like(p);
                    s.expAvgSq = zeros_like(p);
                    s.expAvg.retainReference();
                    s.expAvgSq.retainReference();
                }
                s.step++;
                double biasCorrection1 = 1 - Math.pow(BETA1, s.step);
                double biasCorrection2 = 1 - Math.pow(BETA2, s.step);
                if (weightDecay != 0) {
                    if (kind == Kind.ADAM) {
                        grad = grad.add(p, new Scalar(weightDecay));
                    } else {
                        p.mul_(new Scalar(1 - lr * weightDecay));
                    }
                }
                s.expAvg.mul_(new Scalar(BETA1)).add_(grad, new Scalar(1 - BETA1));
                s.expAvgSq.mul_(new Scalar(BETA2)).addcmul_(grad, grad, new Scalar(1 - BETA2));
                Tensor denom = s.expAvgSq.sqrt().div(new Scalar(Math.sqrt(biasCorrection2))).add_(new Scalar(EPS));
                double stepSize = lr / biasCorrection1;
                p.addcdiv_(s.expAvg, denom, new Scalar(-stepSize));
            }
        }
    }

    /**
     * The state as named tensors for a checkpoint: {@code NAME.exp_avg}, {@code NAME.exp_avg_sq} (float, like the
     * parameter) and {@code NAME.step} (int64 scalar). Parameters not yet updated are absent.
     */
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, State> e : state.entrySet()) {
            State s = e.getValue();
            if (s.expAvg == null) {
                continue;
            }
            out.put(e.getKey() + ".exp_avg", s.expAvg);
            out.put(e.getKey() + ".exp_avg_sq", s.expAvgSq);
            out.put(e.getKey() + ".step", org.bytedeco.pytorch.global.torch.scalar_tensor(new Scalar(s.step),
                    new org.bytedeco.pytorch.TensorOptions(org.bytedeco.pytorch.global.torch.ScalarType.Long)));
        }
        return out;
    }

    /** Restores {@link #stateTensors()}; every key must name a trainable parameter with a matching shape. */
    public void loadStateTensors(Map<String, Tensor> tensors) {
        List<String> problems = new ArrayList<>();
        for (String key : tensors.keySet()) {
            String param = key.substring(0, Math.max(0, key.lastIndexOf('.')));
            if (!params.containsKey(param)) {
                problems.add("'" + key + "' belongs to no trainable parameter");
            }
        }
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            String name = e.getKey();
            Tensor avg = tensors.get(name + ".exp_avg");
            Tensor sq = tensors.get(name + ".exp_avg_sq");
            Tensor step = tensors.get(name + ".step");
            if (avg == null && sq == null && step == null) {
                continue;
            }
            if (avg == null || sq == null || step == null) {
                problems.add("'" + name + "' lacks one of exp_avg, exp_avg_sq, step");
            } else if (!java.util.Arrays.equals(avg.shape(), e.getValue().shape())
                    || !java.util.Arrays.equals(sq.shape(), e.getValue().shape())) {
                problems.add("'" + name + "' moments have shape " + java.util.Arrays.toString(avg.shape())
                        + ", the parameter " + java.util.Arrays.toString(e.getValue().shape()));
            }
        }
        if (!problems.isEmpty()) {
            throw new RobustifyException("optimizer state does not fit the model's trainable parameters: "
                    + String.join("; ", problems));
        }
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            State s = state.get(e.getKey());
            Tensor avg = tensors.get(e.getKey() + ".exp_avg");
            if (avg == null) {
                s.step = 0;
                s.expAvg = null;
                s.expAvgSq = null;
                continue;
            }
            Tensor p = e.getValue();
            // Fresh tensors owned here (copies with the parameter's dtype/device), not views of the file's buffers.
            s.expAvg = zeros_like(p);
            s.expAvgSq = zeros_like(p);
            s.expAvg.copy_(avg);
            s.expAvgSq.copy_(tensors.get(e.getKey() + ".exp_avg_sq"));
            s.expAvg.retainReference();
            s.expAvgSq.retainReference();
            s.step = tensors.get(e.getKey() + ".step").item_long();
        }
    }
}
