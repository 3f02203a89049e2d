"""
Regenerates cases.json.gz from an x509-limbo checkout, keeping only the families
test/verifier/limbo.test.ts runs (see test/verifier/README.md for why the others are skipped).

Usage (from a checkout of github.com/C2SP/x509-limbo, with pydantic 2 and cryptography installed):
    python3 /path/to/test/verifier/limbo/regenerate.py > /path/to/test/verifier/limbo/cases.json.gz

Calls the generator's own registry (what `python -m limbo compile` does) without the
bettertls and online families, which need network access and pyOpenSSL and are web-PKI only.
"""

import gzip
import json
import os
import subprocess
import sys

sys.path.insert(0, os.getcwd())  # the checkout, not this script's folder

from limbo.models import Limbo
from limbo.testcases import invalid, registry

# cryptography ≥ 47 made __deepcopy__ abstract on key classes; the suite's deliberately malformed
# test key (pinned to cryptography 46 upstream) lacks it. Copying it is never needed here.
for cls in (invalid.MalformedRSAPrivateKey, invalid.MalformedRSAPublicKey):
    cls.__deepcopy__ = lambda self, memo: self  # type: ignore[method-assign]
    cls.__abstractmethods__ = frozenset()

# webpki::nc:: are name-constraint cases too; the test decides per case whether web-PKI rules apply.
KEPT_PREFIXES = ("rfc5280::", "pathlen::", "pathological::", "cve::", "invalid::", "webpki::nc::")

# Built whole first: the suite validates cross-references ("conflicts_with") between families.
everything = Limbo(version=1, testcases=[factory() for factory in registry.values()])
suite = json.loads(everything.model_dump_json())
suite["testcases"] = [tc for tc in suite["testcases"] if tc["id"].startswith(KEPT_PREFIXES)]
commit = os.environ.get("LIMBO_COMMIT") or subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
suite["upstream_commit"] = commit or "unknown"
sys.stdout.buffer.write(gzip.compress(json.dumps(suite, separators=(",", ":")).encode(), mtime=0))
