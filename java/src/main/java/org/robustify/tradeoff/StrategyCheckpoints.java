package org.robustify.tradeoff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.robustify.model.ImageClassifier;
import org.robustify.runtime.RobustifyException;
import org.robustify.train.AdamOptimizer;
import org.robustify.train.ResumableCheckpoint;
import org.robustify.train.TrainingState;
import org.robustify.util.Json;

/**
 * Checkpoints inside one strategy's fine-tuning, in {@code strategies/NAME.partial/} (a {@link ResumableCheckpoint}
 * folder: model, AdamW moments, RNG state, and a state.json holding the step, the data position, the training loss
 * since the last logged point, the points logged so far and the strategy's key). Saved after every logged point
 * and every {@code every} steps; a rerun with the same key continues from the latest, and the folder is deleted once
 * the strategy's result file is written.
 */
final class StrategyCheckpoints {
    /** Where a resumed strategy stands. */
    record Resumed(TrainingState state, List<TradeoffPoint> points, double evalSeconds, List<Long> resumedAt) {}

    private final Path dir;
    private final JsonNode key;
    private final int every;
    private final Map<String, Object> manifest;

    /**
     * @param every    also checkpoint every this many steps (0: only after logged points)
     * @param manifest provenance written into each checkpoint
     */
    StrategyCheckpoints(Path dir, JsonNode key, int every, Map<String, Object> manifest) {
        if (every < 0) {
            throw new RobustifyException("--checkpoint-every must be >= 0 (0: after each evaluation only); got "
                    + every);
        }
        this.dir = dir;
        this.key = key;
        this.every = every;
        this.manifest = manifest;
    }

    Path dir() {
        return dir;
    }

    boolean due(long step, boolean logged) {
        return logged || (every > 0 && step % every == 0);
    }

    /**
     * Restores model, optimiser and RNG from the latest checkpoint and returns where it stood; null when there is
     * none. A checkpoint of other settings is an error (never silently mixed in).
     */
    Resumed restore(ImageClassifier model, AdamOptimizer optimizer, String label) {
        if (!Files.isRegularFile(dir.resolve(ResumableCheckpoint.POINTER))) {
            return null;
        }
        ResumableCheckpoint.Found found;
        try {
            found = ResumableCheckpoint.loadLatest(dir);
        } catch (RobustifyException e) {
            throw new RobustifyException(label + ": cannot continue from " + dir + " (" + e.getMessage() + "); "
                    + "delete that folder to restart the strategy", e);
        }
        JsonNode state = found.state();
        if (!key.equals(state.path("key"))) {
            throw new RobustifyException(dir + " was computed with other settings (" + state.path("key")
                    + "); use another --out, or delete that folder to restart the strategy");
        }
        ResumableCheckpoint.restore(found.dir(), model.module(), optimizer);
        List<TradeoffPoint> points = new ArrayList<>();
        for (JsonNode p : state.path("points")) {
            points.add(TradeoffPoint.fromJson(p));
        }
        List<Long> resumedAt = new ArrayList<>();
        for (JsonNode s : state.path("resumed_at")) {
            resumedAt.add(s.asLong());
        }
        return new Resumed(TrainingState.fromJson(state, found.dir().toString()), points,
                state.path("eval_seconds").asDouble(), resumedAt);
    }

    /**
     * {@code state}: step, data position, loss since the last point (lossSum over {@code seen} steps) and training
     * seconds.
     */
    void save(TrainingState state, ImageClassifier model, AdamOptimizer optimizer, String label,
            List<TradeoffPoint> points, double evalSeconds, List<Long> resumedAt) {
        Map<String, Object> s = state.asMap();
        s.put("strategy", label);
        s.put("epoch_running_note", "loss_sum and seen count the steps since the last logged point");
        s.put("key", key);
        s.put("points", points.stream().map(TradeoffPoint::asMap).toList());
        s.put("eval_seconds", evalSeconds);
        s.put("resumed_at", resumedAt);
        ResumableCheckpoint.save(dir, state.globalStep(), model.module(), optimizer, s, manifest,
                new LinkedHashMap<>(Map.of("strategy", label)));
    }

    /** Removes the folder once the strategy's result is safely written. */
    void delete() {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("warning: could not remove " + dir + " (" + e.getMessage() + "); it is no longer "
                    + "needed");
        }
    }

    static JsonNode json(Object value) {
        try {
            return Json.MAPPER.readTree(Json.line(value));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
