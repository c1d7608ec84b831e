package org.robustify.attack;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AutoGradMode;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.model.ImageClassifier;
import org.robustify.runtime.RobustifyException;

/**
 * Untargeted gradient attacks (FGSM, PGD; L-inf and L2) in [0,1] pixel space, with the model's normalisation applied
 * inside, so the ball is the one a user reasons about. The gradient is taken with {@code torch::autograd::grad}
 * w.r.t. the input only: nothing is accumulated into the parameters' {@code .grad}, their values and requires_grad
 * flags are untouched, and the model is run in eval mode (its previous mode restored).
 *
 * <p>Call inside the caller's PointerScope; each iteration's graph is freed in a scope of its own.
 */
public final class Attacks {
    private static final double TINY = 1e-12;

    private Attacks() {}

    /**
     * @param images01 float32 NCHW in [0,1]
     * @param labels   int64 [N] true classes (the attack increases their cross-entropy)
     * @return adversarial images, float32 NCHW in [0,1], detached, on the images' device
     */
    public static Tensor perturb(ImageClassifier model, float[] mean, float[] std, Tensor images01, Tensor labels,
            AttackOptions o) {
        validate(images01, labels, mean, std);
        Tensor clean = images01.detach();
        if (o.epsilon() == 0) {
            return clean.clone();
        }
        Tensor meanT = channelTensor(mean, clean);
        Tensor stdT = channelTensor(std, clean);
        Module module = model.module();
        boolean wasTraining = module.is_training();
        module.eval();
        try (AutoGradMode grad = new AutoGradMode(true)) {
            Tensor adv = o.randomStart() ? randomStart(clean, o) : clean.clone();
            for (int i = 0; i < o.steps(); i++) {
                try (PointerScope step = new PointerScope()) {
                    Tensor x = adv.detach().requires_grad_(true);
                    Tensor logits = model.forward(x.sub(meanT).div(stdT));
                    // Summed, not averaged: each sample's gradient is independent of the batch size.
                    Tensor loss = torch.cross_entropy(logits, labels).mul(new Scalar((double) x.size(0)));
                    Tensor g = torch.grad(new TensorVector(loss), new TensorVector(x)).get(0);
                    Tensor moved = x.detach().add(direction(g, o.norm()).mul(new Scalar(o.stepSize())));
                    adv.copy_(project(moved, clean, o));
                }
            }
            return adv;
        } finally {
            module.train(wasTraining);
        }
    }

    /** The images normalised as the attack feeds them to the model: {@code (x - mean[c]) / std[c]}. */
    public static Tensor normalize(Tensor images01, float[] mean, float[] std) {
        return images01.sub(channelTensor(mean, images01)).div(channelTensor(std, images01));
    }

    private static Tensor direction(Tensor g, AttackNorm norm) {
        if (norm == AttackNorm.LINF) {
            return g.sign();
        }
        return g.div(perSampleL2(g).clamp_min(new Scalar(TINY)));
    }

    /** Into the eps ball around {@code clean}, then into [0,1] (which only moves points closer to clean). */
    static Tensor project(Tensor candidate, Tensor clean, AttackOptions o) {
        Tensor delta = candidate.sub(clean);
        if (o.norm() == AttackNorm.LINF) {
            delta = delta.clamp(bound(-o.epsilon()), bound(o.epsilon()));
        } else {
            Tensor scale = perSampleL2(delta).clamp_min(new Scalar(TINY)).reciprocal().mul(new Scalar(o.epsilon()))
                    .clamp_max(new Scalar(1.0));
            delta = delta.mul(scale);
        }
        return clean.add(delta).clamp(bound(0.0), bound(1.0));
    }

    /**
     * A uniform draw from the ball, from a CPU generator seeded with {@code o.seed()} (identical on every device).
     * L2: a Gaussian direction scaled to radius eps·U^(1/d), uniform in the ball's volume.
     */
    private static Tensor randomStart(Tensor clean, AttackOptions o) {
        Generator gen = torch.createCPUGenerator(o.seed());
        GeneratorOptional g = new GeneratorOptional(gen);
        long[] shape = {clean.size(0), clean.size(1), clean.size(2), clean.size(3)};
        Tensor noise;
        if (o.norm() == AttackNorm.LINF) {
            noise = torch.rand(shape, g).mul(new Scalar(2 * o.epsilon())).sub(new Scalar(o.epsilon()));
        } else {
            Tensor dir = torch.randn(shape, g);
            dir = dir.div(perSampleL2(dir).clamp_min(new Scalar(TINY)));
            long d = clean.numel() / Math.max(1, clean.size(0));
            Tensor radius = torch.rand(new long[] {shape[0], 1, 1, 1}, g).pow(new Scalar(1.0 / d))
                    .mul(new Scalar(o.epsilon()));
            noise = dir.mul(radius);
        }
        return project(clean.add(noise.to(clean.device(), ScalarType.Float)), clean, o);
    }

    private static Tensor perSampleL2(Tensor t) {
        return t.pow(new Scalar(2.0)).sum(new long[] {1, 2, 3}, true, new org.bytedeco.pytorch.ScalarTypeOptional())
                .sqrt();
    }

    private static ScalarOptional bound(double v) {
        return new ScalarOptional(new Scalar(v));
    }

    private static Tensor channelTensor(float[] values, Tensor like) {
        try (FloatPointer p = new FloatPointer(values)) {
            Tensor t = torch.from_blob(p, new long[] {1, values.length, 1, 1}, new TensorOptions(ScalarType.Float))
                    .clone();
            return t.to(like.device(), ScalarType.Float);
        }
    }

    private static void validate(Tensor images01, Tensor labels, float[] mean, float[] std) {
        if (images01 == null || !images01.defined() || images01.dim() != 4) {
            throw new RobustifyException("attack images must be a 4-D NCHW tensor");
        }
        if (!images01.scalar_type().intern().equals(ScalarType.Float)) {
            throw new RobustifyException("attack images must be float32 in [0,1]; got " + images01.scalar_type());
        }
        if (labels == null || !labels.defined() || labels.dim() != 1 || labels.size(0) != images01.size(0)) {
            throw new RobustifyException("attack labels must be a 1-D tensor with one label per image ("
                    + images01.size(0) + ")");
        }
        long c = images01.size(1);
        if (mean.length != c || std.length != c) {
            throw new RobustifyException("mean and std need " + c + " values (one per channel); got " + mean.length
                    + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new RobustifyException("std values must be finite and > 0; got " + s);
            }
        }
    }
}
