"""Writes benchmarks/results/NAME.json: the figures plus machine, threads, versions and date, atomically.

usage: write_result.py NAME RESULTS_DIR FIGURES_JSON [KEY=VALUE ...]
Prints the written JSON on one line (benchmarks/run's last line).
"""
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit():
    try:
        return subprocess.check_output(["git", "rev-parse", "HEAD"], stderr=subprocess.DEVNULL, text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    name, results_dir, figures = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    extra = dict(kv.split("=", 1) for kv in sys.argv[4:])
    doc = {
        "benchmark": name,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "os": platform.platform()},
        "git_commit": git_commit(),
        **extra,
        **figures,
    }
    os.makedirs(results_dir, exist_ok=True)
    target = os.path.join(results_dir, name + ".json")
    fd, tmp = tempfile.mkstemp(dir=results_dir, prefix="." + name, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
