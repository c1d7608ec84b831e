package org.robustify.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import org.robustify.attack.AttackNorm;
import org.robustify.bench.Bench;
import org.robustify.bench.BenchModel;
import org.robustify.bench.BenchOptions;
import org.robustify.bench.BenchReport;
import org.robustify.bench.BenchSuite;
import org.robustify.bench.BranchHeadModel;
import org.robustify.bench.ClassMask;
import org.robustify.bench.CorruptionFolder;
import org.robustify.bench.OodSet;
import org.robustify.data.FashionMnist;
import org.robustify.data.ImageDataset;
import org.robustify.data.ImageFolder;
import org.robustify.data.Npy;
import org.robustify.dist.Collectives;
import org.robustify.dist.DistEnv;
import org.robustify.dist.ShardedBatches;
import org.robustify.corrupt.Corruption;
import org.robustify.corrupt.CorruptionSelection;
import org.robustify.eval.SuiteResult;
import org.robustify.method.HeadPolicy;
import org.robustify.method.RunPredictor;
import org.robustify.model.ImageClassifier;
import org.robustify.model.InputSpec;
import org.robustify.model.branch.BranchedModel;
import org.robustify.runtime.NativeRuntime;
import org.robustify.runtime.Provenance;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.RunModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = {"Benchmark a trained run: clean accuracy, calibration (ECE with 15 bins, NLL), the corruption "
                + "suite (accuracy per corruption x severity, CE/mCE against --baseline; corrupted on the fly or read "
                + "from a folder of `robustify corrupt` with --corruptions-from), OOD image folders and "
                + "FGSM/PGD attacks. Writes bench.json (every number), bench.md, heatmap.png and manifest.json.",
            "Attacks work in [0,1] pixel space with the model's normalisation inside. For the method's three-head "
                + "runs the attack takes gradients through one head: orig and clean attack that head; robust, "
                + "average and select attack the robust head (head selection is an argmax, not differentiable), "
                + "and the adversarial images are then scored with --policy."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A run folder (or its model.pt).")
    Path model;

    @Option(names = "--policy", defaultValue = "select", description = "Head policy of the method's runs: select, "
            + "clean, robust, orig or average.")
    String policy;

    @Option(names = "--thresholds", paramLabel = "FILE", description = "Thresholds for select (default: the run's).")
    Path thresholds;

    @Option(names = "--data", defaultValue = "fashion-mnist", paramLabel = "SOURCE", description = "fashion-mnist "
            + "(test split), folder:DIR (class per subfolder) or npy:X.npy[,labels:Y.npy].")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Fashion-MNIST folder (default: installed).")
    Path dataDir;

    @Option(names = "--suite", defaultValue = "clean,calibration,corruptions,fgsm,pgd", paramLabel = "LIST",
            description = "clean, calibration, corruptions, ood, fgsm, pgd (comma-separated) or all.")
    String suite;

    @Option(names = "--ood", split = ",", paramLabel = "DIR", description = "OOD image folders (class per "
            + "subfolder) for the ood suite.")
    List<Path> ood = new ArrayList<>();

    @Option(names = "--classes", paramLabel = "FILE", description = "Class subset of the OOD folders: one model "
            + "output index per line, in sorted folder-name order (e.g. ImageNet-R's 200 classes).")
    Path classes;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--limit", defaultValue = "0", description = "First N images for clean, calibration and attacks "
            + "(0 = all).")
    int limit;

    @Option(names = "--corruption-limit", paramLabel = "N", description = "First N images for the corruption suite "
            + "(default: --limit; with --corruptions-from, all the folder's images when it holds fewer).")
    Integer corruptionLimit;

    @Option(names = "--corruptions", paramLabel = "LIST", description = "Corruptions of the corruptions suite: "
            + "benchmark (the 15), all, validation, a group (noise, blur, weather, digital) or NAME,... (default: "
            + "benchmark; with --corruptions-from: those the folder was written with).")
    String corruptions;

    @Option(names = "--severities", paramLabel = "LIST", description = "Severities 1..5, a list and/or ranges "
            + "(default: 1-5; with --corruptions-from: the folder's).")
    String severities;

    @Option(names = "--corruptions-from", paramLabel = "DIR", description = "Read the corrupted images from a "
            + "folder written by `robustify corrupt` (DIR/<corruption>/s<k>.npy, labels.npy, manifest.json) instead "
            + "of corrupting on the fly; it must have been written from the first images of --data (checked with "
            + "its labels.npy). Its seed, not --seed, is the corruption seed.")
    Path corruptionsFrom;

    @Option(names = "--eps", defaultValue = "1/255,2/255,4/255,8/255", paramLabel = "LIST", description = "Attack "
            + "radii in [0,1] pixel units.")
    String eps;

    @Option(names = "--norm", defaultValue = "linf", description = "Attack norm: linf or l2.")
    String norm;

    @Option(names = "--pgd-steps", defaultValue = "10")
    int pgdSteps;

    @Option(names = "--pgd-step", paramLabel = "STEP", description = "PGD step (e.g. 0.5/255; default 2.5*eps/steps).")
    String pgdStep;

    @Option(names = "--baseline", paramLabel = "BENCH|RUN", description = "CE and relative mCE against a previous "
            + "bench.json (or a folder holding one), or a run folder whose corruption suite is evaluated here.")
    Path baseline;

    @Option(names = "--imagenet", description = "The data is ImageNet: also report mCE against AlexNet.")
    boolean imagenet;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of corruptions and PGD random starts.")
    long seed;

    @Option(names = "--batch-size", defaultValue = "128")
    int batchSize;

    @Mixin
    ThreadsOption threads;

    @Mixin
    LaunchOption launch;

    @Override
    public Integer call() {
        // Everything a user can get wrong is checked before any model is built or image decoded.
        Set<BenchSuite> suites = BenchSuite.parse(suite);
        HeadPolicy p = HeadPolicy.parse(policy);
        AttackNorm attackNorm = switch (norm.toLowerCase(Locale.ROOT)) {
            case "linf" -> AttackNorm.LINF;
            case "l2" -> AttackNorm.L2;
            default -> throw new RobustifyException("unknown --norm '" + norm + "'; use linf or l2");
        };
        List<Corruption> requested = corruptions == null ? null : CorruptionSelection.corruptions(corruptions);
        int[] requestedSeverities = severities == null ? null : CorruptionSelection.severities(severities);
        if (!suites.contains(BenchSuite.CORRUPTIONS)
                && (corruptions != null || severities != null || corruptionsFrom != null)) {
            throw new RobustifyException("--corruptions, --severities and --corruptions-from choose the corruption "
                    + "suite's images: add corruptions to --suite");
        }
        try (CorruptionFolder folder = corruptionsFrom == null ? null
                : CorruptionFolder.open(corruptionsFrom, requested, requestedSeverities)) {
            List<Corruption> cells = folder != null ? folder.corruptions() : requested;
            int[] sev = folder != null ? folder.severities() : requestedSeverities;
            // Without --corruption-limit, --limit also caps the suite; a folder smaller than --limit is used whole.
            int suiteLimit = corruptionLimit != null ? corruptionLimit
                    : folder != null && limit >= folder.images() ? 0 : limit;
            BenchOptions options = new BenchOptions(suites, limit, suiteLimit, BenchSuite.parseEpsilons(eps),
                    attackNorm, pgdSteps, pgdStep == null ? 0 : BenchSuite.parseFraction(pgdStep, "--pgd-step"), seed,
                    batchSize, imagenet, cells, sev == null ? null : java.util.Arrays.stream(sev).boxed().toList());
            return bench(suites, p, options, folder);
        }
    }

    private Integer bench(Set<BenchSuite> suites, HeadPolicy p, BenchOptions options, CorruptionFolder folder) {
        if (suites.contains(BenchSuite.OOD) && ood.isEmpty()) {
            throw new RobustifyException("--suite ood needs --ood DIR (a class-per-subfolder image folder)");
        }
        if (!suites.contains(BenchSuite.OOD) && !ood.isEmpty()) {
            throw new RobustifyException("--ood given but the ood suite is not in --suite " + suite);
        }
        for (Path dir : ood) {
            if (!Files.isDirectory(dir)) {
                throw new RobustifyException("--ood " + dir + " is not a folder");
            }
        }
        if (baseline != null && !suites.contains(BenchSuite.CORRUPTIONS)) {
            throw new RobustifyException("--baseline compares corruption errors: add corruptions to --suite");
        }
        if (baseline != null && !Files.exists(baseline)) {
            throw new RobustifyException("--baseline " + baseline + " does not exist");
        }
        RunModel run = RunModel.read(model);
        float[][] norms = normalisation(run);
        InputSpec spec = inputSpec(run, norms[0].length);
        ClassMask mask = classes == null ? null : ClassMask.read(classes, spec.classes());
        NativeRuntime.init(threads.resolve());
        ImageDataset images = load(spec);
        if (folder != null) {
            folder.evaluatedImages(images, options.corruptionLimit()); // fits the data? (before any model runs)
        }
        List<OodSet> oodSets = new ArrayList<>();
        for (Path dir : ood) {
            ImageFolder.Loaded l = ImageFolder.load(dir, spec.channels(), spec.height(), spec.width());
            OodSet set = new OodSet(dir.getFileName().toString(), dir.toString(), l.data(), l.unreadable(), mask);
            set.requireCompatible(spec.classes());
            if (!l.unreadable().isEmpty()) {
                System.err.printf(Locale.ROOT, "%s: %d unreadable image(s) skipped (listed in bench.json)%n", dir,
                        l.unreadable().size());
            }
            oodSets.add(set);
        }
        RunPredictor opened = RunPredictor.open(run, spec, p, thresholds);
        String target = attackTarget(opened, p);
        ImageClassifier attacked = needsAttack(suites) ? attackModel(opened, p, run, spec) : opened.model();
        Map<String, Object> description = run.describe();
        description.put("policy", opened.selector() == null ? "single head" : p.cliName());
        BenchModel benchModel = new BenchModel(description, opened.predictor(), attacked, target, norms[0], norms[1],
                spec.classes());
        DistEnv env = DistEnv.fromEnvironment();
        try (Collectives group = Collectives.open(env)) {
            ShardedBatches shards = new ShardedBatches(group);
            Bench.Baseline base = baseline == null ? null : new Bench.Baseline(baseline.toString(),
                    baselineSuite(images, spec, options, norms, folder, shards));
            Bench.Result result = Bench.run(benchModel, images, oodSets, options, base, folder, shards);
            if (!env.writes()) {
                return 0; // every rank has the results; rank 0 writes them
            }
            return write(result, run, description, images, options, folder, env.worldSize());
        }
    }

    private Integer write(Bench.Result result, RunModel run, Map<String, Object> description, ImageDataset images,
            BenchOptions options, CorruptionFolder folder, int worldSize) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", description);
        json.put("data", Map.of("source", data, "name", images.name(), "images", images.size()));
        json.putAll(result.json());
        Bench.Result full = new Bench.Result(json, result.corruptions());
        BenchReport.write(out, full, run.dir().getFileName() + " (" + run.architecture() + ")");
        Map<String, Object> config = config(options);
        if (folder != null) {
            config.put("corruption_source", folder.describe());
        }
        Map<String, Object> manifest = Provenance.manifest("bench", config, seed, Map.of("source", data, "name",
                images.name(), "images", images.size()));
        manifest.put("distributed", Map.of("world_size", worldSize, "sharding", "whole batches, b mod world size"));
        manifest.put("status", "completed");
        Provenance.write(out.resolve("manifest.json"), manifest);
        System.out.println(summary(json) + "; results in " + out);
        return 0;
    }

    private static boolean needsAttack(Set<BenchSuite> suites) {
        return suites.contains(BenchSuite.FGSM) || suites.contains(BenchSuite.PGD);
    }

    /** Which head the attacks differentiate through (see the command's description). */
    private static String attackTarget(RunPredictor opened, HeadPolicy p) {
        if (opened.selector() == null) {
            return "the model";
        }
        return switch (p) {
            case ORIG -> "orig head";
            case CLEAN -> "clean head";
            case ROBUST -> "robust head";
            case SELECT, AVERAGE -> "robust head (scored with " + p.cliName() + ")";
        };
    }

    private static ImageClassifier attackModel(RunPredictor opened, HeadPolicy p, RunModel run, InputSpec spec) {
        if (!(opened.model() instanceof BranchedModel branched)) {
            return opened.model();
        }
        HeadPolicy head = p == HeadPolicy.ORIG || p == HeadPolicy.CLEAN ? p : HeadPolicy.ROBUST;
        return BranchHeadModel.of(branched, head, run.architecture(), run.options(), spec);
    }

    private SuiteResult baselineSuite(ImageDataset images, InputSpec spec, BenchOptions o, float[][] norms,
            CorruptionFolder folder, ShardedBatches shards) {
        boolean benchFile = Files.isRegularFile(baseline) || Files.isRegularFile(baseline.resolve(BenchReport.JSON));
        if (benchFile) {
            return BenchReport.readBaseline(baseline);
        }
        RunModel base = RunModel.read(baseline);
        RunPredictor opened = RunPredictor.open(base, spec, null, null);
        System.err.println("baseline " + baseline + ": running its corruption suite");
        return Bench.suite(opened.predictor(), images, norms[0], norms[1], o, folder, shards);
    }

    /** The run's training normalisation (manifest data.normalisation), else Fashion-MNIST's. */
    private static float[][] normalisation(RunModel run) {
        JsonNode n = run.manifest().path("data").path("normalisation");
        if (n.path("mean").isArray() && n.path("std").isArray() && n.path("mean").size() == n.path("std").size()) {
            float[] mean = new float[n.path("mean").size()];
            float[] std = new float[mean.length];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = (float) n.path("mean").get(i).asDouble();
                std[i] = (float) n.path("std").get(i).asDouble();
            }
            return new float[][] {mean, std};
        }
        return new float[][] {FashionMnist.MEAN, FashionMnist.STD};
    }

    /** Runs are trained on Fashion-MNIST (28x28 grey, 10 classes) unless the manifest says otherwise. */
    private static InputSpec inputSpec(RunModel run, int channels) {
        JsonNode input = run.manifest().path("data").path("input");
        if (input.isObject()) {
            return new InputSpec(input.path("channels").asInt(channels), input.path("height").asInt(),
                    input.path("width").asInt(), input.path("classes").asInt());
        }
        String dataset = run.manifest().path("data").path("dataset").asText("fashion-mnist");
        if (!dataset.equals("fashion-mnist")) {
            throw new RobustifyException(run.dir() + ": trained on '" + dataset + "', whose input size the manifest "
                    + "does not record");
        }
        return new InputSpec(1, 28, 28, FashionMnist.CLASSES.size());
    }

    private ImageDataset load(InputSpec spec) {
        ImageDataset set;
        if (data.equals("fashion-mnist")) {
            set = FashionMnist.load(FashionMnist.resolveDir(dataDir), FashionMnist.Split.TEST);
        } else if (data.startsWith("folder:")) {
            ImageFolder.Loaded l = ImageFolder.load(Path.of(data.substring("folder:".length())), spec.channels(),
                    spec.height(), spec.width());
            if (!l.unreadable().isEmpty()) {
                System.err.printf(Locale.ROOT, "%s: %d unreadable image(s) skipped%n", data, l.unreadable().size());
            }
            set = l.data();
        } else if (data.startsWith("npy:")) {
            set = loadNpy(data.substring("npy:".length()));
        } else {
            throw new RobustifyException("unknown --data '" + data + "'; use fashion-mnist, folder:DIR or "
                    + "npy:X.npy,labels:Y.npy");
        }
        if (set.height() != spec.height() || set.width() != spec.width() || set.channels() != spec.channels()) {
            throw new RobustifyException("--data " + data + " has " + set.height() + "x" + set.width() + "x"
                    + set.channels() + " images; the model takes " + spec.height() + "x" + spec.width() + "x"
                    + spec.channels());
        }
        if (set.numClasses() > spec.classes()) {
            throw new RobustifyException("--data " + data + " has " + set.numClasses() + " classes; the model has "
                    + spec.classes());
        }
        if (set.size() == 0) {
            throw new RobustifyException("--data " + data + " holds no image");
        }
        return set;
    }

    private ImageDataset loadNpy(String spec) {
        String[] parts = spec.split(",");
        if (parts.length != 2 || !parts[1].startsWith("labels:")) {
            throw new RobustifyException("--data npy: needs labels for a benchmark: npy:X.npy,labels:Y.npy");
        }
        Path xFile = Path.of(parts[0]);
        Path yFile = Path.of(parts[1].substring("labels:".length()));
        Npy.UInt8Array x = Npy.readUint8(xFile);
        long[] shape = x.shape();
        if (shape.length != 3 && shape.length != 4) {
            throw new RobustifyException(xFile + ": images must be N x H x W or N x H x W x C uint8; got shape "
                    + Npy.shapeString(shape));
        }
        Npy.Int64Array l = Npy.readInt64(yFile);
        int n = (int) shape[0];
        if (l.shape().length != 1 || l.shape()[0] != n) {
            throw new RobustifyException(yFile + ": " + n + " labels expected; got shape "
                    + Npy.shapeString(l.shape()));
        }
        int[] y = new int[n];
        int maxLabel = 0;
        for (int i = 0; i < n; i++) {
            y[i] = Math.toIntExact(l.data()[i]);
            maxLabel = Math.max(maxLabel, y[i]);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c <= maxLabel; c++) {
            names.add(c < FashionMnist.CLASSES.size() ? FashionMnist.CLASSES.get(c) : "class " + c);
        }
        return new ImageDataset(xFile.getFileName().toString(), x.data(), y, (int) shape[1], (int) shape[2],
                shape.length == 4 ? (int) shape[3] : 1, Collections.unmodifiableList(names));
    }

    private Map<String, Object> config(BenchOptions o) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", model.toString());
        c.put("policy", policy);
        c.put("thresholds", thresholds == null ? null : thresholds.toString());
        c.put("data", data);
        c.put("suite", o.suites().stream().map(BenchSuite::cliName).sorted().toList());
        c.put("ood", ood.stream().map(Path::toString).toList());
        c.put("classes", classes == null ? null : classes.toString());
        c.put("limit", o.limit());
        c.put("corruption_limit", o.corruptionLimit());
        c.put("corruptions", o.corruptions().stream().map(Corruption::nativeName).toList());
        c.put("severities", o.severities());
        c.put("corruptions_from", corruptionsFrom == null ? null : corruptionsFrom.toString());
        c.put("eps", o.epsilons());
        c.put("norm", norm);
        c.put("pgd_steps", o.pgdSteps());
        c.put("pgd_step", pgdStep);
        c.put("baseline", baseline == null ? null : baseline.toString());
        c.put("imagenet", imagenet);
        c.put("batch_size", o.batchSize());
        c.put("threads", NativeRuntime.threads());
        return c;
    }

    @SuppressWarnings("unchecked")
    private static String summary(Map<String, Object> json) {
        StringBuilder s = new StringBuilder("bench");
        if (json.get("clean") instanceof Map<?, ?> c) {
            s.append(String.format(Locale.ROOT, ": clean %.4f", (Double) c.get("accuracy")));
        }
        if (json.get("calibration") instanceof Map<?, ?> c) {
            s.append(String.format(Locale.ROOT, ", ECE %.4f, NLL %.4f", (Double) c.get("ece"), (Double) c.get("nll")));
        }
        if (json.get("corruptions") instanceof Map<?, ?> c) {
            Object m = ((Map<String, Object>) c.get("suite")).get("mean_corruption_accuracy");
            s.append(String.format(Locale.ROOT, ", mean corruption accuracy %.4f", (Double) m));
        }
        return s.toString();
    }
}
