#!/usr/bin/env python3
"""run_action.py - runs the steps of a composite GitHub Action (action.yml)
the way the runner does, for tests/integration/test_ci_entry.sh: each
step's `run` in bash, with its `env` (every ${{ inputs.NAME }} replaced by
the value given here or the input's default), GITHUB_ACTION_PATH set to
the action's directory, the working directory and the GITHUB_* variables
of the caller's environment, and a step's outputs read back from the
GITHUB_OUTPUT file.  Directories the steps add to GITHUB_PATH are on PATH
for the later steps, as on GitHub.

Usage: run_action.py ACTION_DIR [NAME=VALUE]...
Prints the steps' output; exits with the first failing step's status (a
composite action stops there), else 0.  Prints "output NAME=VALUE" for
the action's outputs.
"""

import os
import re
import subprocess
import sys

import yaml


def main(argv):
    action_dir = os.path.abspath(argv[1])
    given = dict(a.split("=", 1) for a in argv[2:])
    with open(os.path.join(action_dir, "action.yml")) as f:
        action = yaml.safe_load(f)
    assert action["runs"]["using"] == "composite"
    inputs = {}
    for name, spec in action.get("inputs", {}).items():
        if name in given:
            inputs[name] = given.pop(name)
        elif spec.get("required") and "default" not in spec:
            print("run_action: input '%s' is required" % name, file=sys.stderr)
            return 2
        else:
            inputs[name] = str(spec.get("default", ""))
    if given:
        print("run_action: unknown inputs %s" % sorted(given), file=sys.stderr)
        return 2

    def expand(text, outputs):
        def one(m):
            expr = m.group(1).strip()
            if expr.startswith("inputs."):
                return inputs[expr[len("inputs."):]]
            m2 = re.match(r"steps\.([\w-]+)\.outputs\.([\w-]+)$", expr)
            if m2:
                return outputs.get(m2.group(1), {}).get(m2.group(2), "")
            raise ValueError("unsupported expression %s" % expr)
        return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

    env = dict(os.environ)
    env["GITHUB_ACTION_PATH"] = action_dir
    outputs = {}
    path_file = env.get("GITHUB_PATH")
    for step in action["runs"]["steps"]:
        step_env = dict(env)
        for k, v in step.get("env", {}).items():
            step_env[k] = expand(v, outputs)
        out_file = os.path.join(os.environ.get("RUNNER_TEMP", "/tmp"),
                                "output-%d" % len(outputs))
        open(out_file, "w").close()
        step_env["GITHUB_OUTPUT"] = out_file
        if path_file and os.path.exists(path_file):
            extra = [l.strip() for l in open(path_file) if l.strip()]
            step_env["PATH"] = ":".join(reversed(extra)) + ":" + env["PATH"]
        assert step.get("shell") == "bash", "only bash steps"
        # the runner: bash --noprofile --norc -eo pipefail {0}
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                            expand(step["run"], outputs)], env=step_env)
        got = {}
        for line in open(out_file):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                got[k] = v
        outputs[step.get("id", "step%d" % len(outputs))] = got
        if r.returncode != 0:
            for name, spec in action.get("outputs", {}).items():
                print("output %s=%s" % (name, expand(spec["value"], outputs)))
            return r.returncode
    for name, spec in action.get("outputs", {}).items():
        print("output %s=%s" % (name, expand(spec["value"], outputs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
