package org.robustify.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.robustify.eval.Predictor;
import org.robustify.model.ImageClassifier;
import org.robustify.runtime.RobustifyException;

/**
 * A class subset (ImageNet-R/-A style): data class i is model output {@code outputs[i]}. Predictions are the argmax
 * over the subset's logits only, so a data label i is right when the subset's i-th logit is the largest.
 */
public record ClassMask(int[] outputs) {

    /** One model output index per line (blank lines and '#' comments ignored), in the data's class order. */
    public static ClassMask read(Path file, int modelClasses) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new RobustifyException("cannot read class list --classes " + file + ": " + e.getMessage(), e);
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceAll("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            int v;
            try {
                v = Integer.parseInt(line);
            } catch (NumberFormatException e) {
                throw new RobustifyException(file + " line " + (i + 1) + ": '" + line + "' is not a class index");
            }
            if (v < 0 || v >= modelClasses) {
                throw new RobustifyException(file + " line " + (i + 1) + ": class " + v + " is outside the model's "
                        + "0.." + (modelClasses - 1));
            }
            if (out.contains(v)) {
                throw new RobustifyException(file + " line " + (i + 1) + ": class " + v + " is listed twice");
            }
            out.add(v);
        }
        if (out.isEmpty()) {
            throw new RobustifyException(file + " lists no class index");
        }
        return new ClassMask(out.stream().mapToInt(Integer::intValue).toArray());
    }

    public int size() {
        return outputs.length;
    }

    /** [N, C] logits to [N, size()] (the subset's columns, in the list's order). */
    public Tensor restrict(Tensor logits) {
        long[] idx = new long[outputs.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = outputs[i];
        }
        try (LongPointer p = new LongPointer(idx)) {
            Tensor index = torch.from_blob(p, new long[] {idx.length}, new TensorOptions(ScalarType.Long)).clone();
            return logits.index_select(1, index.to(logits.device(), ScalarType.Long));
        }
    }

    public Predictor restrict(Predictor p) {
        return x -> restrict(p.logits(x));
    }

    /** The same model answering over the subset only (attacks then raise the loss of the subset's true class). */
    public ImageClassifier restrict(ImageClassifier model) {
        return new ImageClassifier() {
            @Override
            public Tensor forward(Tensor images) {
                return restrict(model.forward(images));
            }

            @Override
            public Module module() {
                return model.module();
            }

            @Override
            public String architecture() {
                return model.architecture();
            }
        };
    }
}
