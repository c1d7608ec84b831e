package org.robustify.method;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.robustify.model.Parameters;
import org.robustify.model.branch.BranchedModel;

/**
 * "sha256:&lt;hex&gt;" identifying a model's weights, so a thresholds file cannot be applied to another model.
 *
 * <p>Covers, in registration order: every parameter and every buffer of the module (name, dtype, shape, bytes of a
 * contiguous CPU copy) and, for a {@link BranchedModel}, its architecture and tuned block indices. For a branched
 * model that is the original path (original.*), the branch copies (branch.*), the ViT norm and both new heads: the
 * thresholds are calibrated on the trained branch, so a re-trained branch on the same original must not match.
 * {@link #ofOriginal} hashes only the pre-trained model plus the branch structure. Not covered: requires_grad
 * flags, train/eval mode, and modules' Java-side options that live in no tensor (e.g. a ViT's head count).
 *
 * <p>Cost: one pass over the weights; ResNet-18 (11 M parameters, 45 MB) takes a fraction of a second.
 */
public final class ModelFingerprint {
    private ModelFingerprint() {}

    public static String of(Module model) {
        MessageDigest sha = sha256();
        if (model instanceof BranchedModel b) {
            structure(sha, b);
        }
        tensors(sha, "parameter", Parameters.named(model));
        tensors(sha, "buffer", Parameters.namedBuffers(model));
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    /** The pre-trained original model's parameters and buffers plus the branch structure. */
    public static String ofOriginal(BranchedModel model) {
        MessageDigest sha = sha256();
        structure(sha, model);
        tensors(sha, "parameter", Parameters.named(model.originalModule));
        tensors(sha, "buffer", Parameters.namedBuffers(model.originalModule));
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static void structure(MessageDigest sha, BranchedModel b) {
        text(sha, "architecture=" + b.architecture() + ";tuned=" + b.tunedBlocks() + ";");
    }

    private static void tensors(MessageDigest sha, String kind, Map<String, Tensor> named) {
        for (Map.Entry<String, Tensor> e : named.entrySet()) {
            try (PointerScope scope = new PointerScope()) {
                Tensor t = e.getValue().detach().cpu().contiguous();
                text(sha, kind + ":" + e.getKey() + ":" + t.scalar_type().intern() + ":"
                        + Arrays.toString(t.sizes().vec().get()) + ":");
                long bytes = t.nbytes();
                if (bytes > 0) {
                    // Chunks: a ByteBuffer view is limited to 2 GiB.
                    for (long from = 0; from < bytes; from += Integer.MAX_VALUE) {
                        long len = Math.min(Integer.MAX_VALUE, bytes - from);
                        ByteBuffer view = new BytePointer(t.data_ptr()).position(from).limit(from + len)
                                .asByteBuffer();
                        sha.update(view);
                    }
                }
            }
        }
    }

    private static void text(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
