"""The Khronos glTF validator (npm package gltf-validator, the reference implementation compiled to JavaScript), run
with node. It is installed once into a cache folder with npm when missing: `./run-tests` does that before the suites
(`python3 tests/support/gltf_validator.py install`), and a test that needs it does the same.

    python3 tests/support/gltf_validator.py install        # npm install into the cache, when missing
    python3 tests/support/gltf_validator.py FILE.glb       # prints the validator's report as JSON
"""
import json
import os
import subprocess
import sys

PACKAGE = "gltf-validator@2.0.0-dev.3.10"
PREFIX = os.environ.get("LIVELINK_NPM_CACHE", "/var/cache/livelink/npm")
MODULE = os.path.join(PREFIX, "node_modules", "gltf-validator")

# Reads the file, validates it, prints the report; glTF with external buffers would need an externalResourceFunction.
_RUN = r'''
const validator = require(process.argv[1]);
const data = new Uint8Array(require("fs").readFileSync(process.argv[2]));
validator.validateBytes(data, {maxIssues: 200}).then(
  (report) => process.stdout.write(JSON.stringify(report)),
  (error) => { process.stderr.write(String(error) + "\n"); process.exit(1); });
'''


def install():
    """Installs the validator into PREFIX unless it is there; raises naming what failed."""
    if os.path.isfile(os.path.join(MODULE, "package.json")):
        return
    os.makedirs(PREFIX, exist_ok=True)
    p = subprocess.run(["npm", "install", "--prefix", PREFIX, "--no-audit", "--no-fund", "--loglevel=error",
                        PACKAGE], capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError("npm install %s into %s failed: %s" % (PACKAGE, PREFIX, p.stderr.strip()[-500:]))


def validate(path):
    """The validator's report of a .glb: {"issues": {"numErrors", "numWarnings", "messages": [..]}, "info": ..}."""
    install()
    p = subprocess.run(["node", "-e", _RUN, MODULE, path], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("gltf-validator could not read %s: %s" % (path, p.stderr.strip()))
    return json.loads(p.stdout)


if __name__ == "__main__":
    if sys.argv[1:] == ["install"]:
        install()
    elif len(sys.argv) == 2:
        print(json.dumps(validate(sys.argv[1]), indent=1))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
