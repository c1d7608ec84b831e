package org.robustify.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.robustify.model.BlockModel;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.ModelOptions;
import org.robustify.model.ModelZoo;
import org.robustify.model.branch.BranchedModel;
import org.robustify.model.freeze.FreezeSpec;
import org.robustify.runtime.RobustifyException;
import org.robustify.util.Json;

/**
 * A trained model as a run left it: the run folder's {@code manifest.json} says what was built (architecture and its
 * options, and for the method's runs the branch), {@code model.pt} holds the weights. Accepts the folder or the
 * weights file inside it. Checks happen in {@link #read}, before any model is built or data loaded.
 */
public record RunModel(Path dir, Path weights, String command, String architecture, ModelOptions options,
        String branch, JsonNode manifest) {

    /** Commands whose model is the method's branched student. */
    public static final String DISTILL = "distill";

    public static RunModel read(Path dirOrWeights) {
        if (dirOrWeights == null) {
            throw new RobustifyException("no model given");
        }
        Path dir = Files.isDirectory(dirOrWeights) ? dirOrWeights : dirOrWeights.toAbsolutePath().getParent();
        if (!Files.exists(dirOrWeights)) {
            throw new RobustifyException("model " + dirOrWeights + " does not exist (give a run folder or its "
                    + Trainer.WEIGHTS + ")");
        }
        Path weights = Files.isDirectory(dirOrWeights) ? dirOrWeights.resolve(Trainer.WEIGHTS) : dirOrWeights;
        if (!Files.isRegularFile(weights)) {
            throw new RobustifyException("model " + dirOrWeights + ": no " + Trainer.WEIGHTS + " in it (has the run "
                    + "finished an epoch?)");
        }
        Path manifestFile = dir.resolve(Trainer.MANIFEST);
        JsonNode manifest;
        try {
            manifest = Json.MAPPER.readTree(Files.readString(manifestFile));
        } catch (IOException e) {
            throw new RobustifyException("model " + dirOrWeights + ": cannot read " + manifestFile + " (the run's "
                    + "manifest says which architecture the weights belong to): " + e.getMessage(), e);
        }
        JsonNode config = manifest.path("config");
        String arch = config.path("model").asText(null);
        if (arch == null) {
            throw new RobustifyException(manifestFile + " has no config.model: not a robustify training run");
        }
        ModelZoo.requireKnown(arch);
        ModelOptions options = new ModelOptions(config.path("stem").isNull() ? null : config.path("stem")
                .asText(null), config.path("patch_size").asInt(0), config.path("vit_depth").asInt(0));
        String command = manifest.path("command").asText("train");
        String branch = DISTILL.equals(command) ? config.path("job").path("tune").asText(null) : null;
        if (DISTILL.equals(command) && branch == null) {
            throw new RobustifyException(manifestFile + " is a distill run without config.job.tune");
        }
        return new RunModel(dir, weights, command, arch, options, branch, manifest);
    }

    public boolean isBranched() {
        return branch != null;
    }

    /** Builds the architecture and loads the weights. */
    public ImageClassifier build(InputSpec spec) {
        ImageClassifier model = ModelZoo.create(architecture, spec, options);
        if (isBranched()) {
            if (!(model instanceof BlockModel blocks)) {
                throw new IllegalStateException(architecture + " is not a block model");
            }
            model = BranchedModel.create(blocks, FreezeSpec.parse(branch), 0);
        }
        Checkpoint.load(model.module(), weights);
        return model;
    }

    /** Builds a branched run's model; a clear error for any other run. */
    public BranchedModel buildBranched(InputSpec spec) {
        if (!isBranched()) {
            throw new RobustifyException("model " + dir + " is a '" + command + "' run, not the method's branched "
                    + "student (a 'distill' run)");
        }
        return (BranchedModel) build(spec);
    }

    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", dir.toString());
        m.put("weights", weights.toString());
        m.put("command", command);
        m.put("architecture", architecture);
        if (branch != null) {
            m.put("branch", branch);
        }
        m.put("git_commit", manifest.path("git_commit").asText(null));
        return m;
    }
}
