"""Install the real parts the tests drive, from Debian's packages, when they are missing.

Chromium (browser tests), PostgreSQL and Prometheus (diagnostics tests), and Prometheus's
promtool (the oracle of the alert rule tests). Runs as part of
`make test`; needs root for apt-get. Without root it prints what is missing and the tests
that need it are skipped with that reason.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

NEEDED = {
    # package: file patterns that prove it is installed (the server, not only a client)
    "chromium": ("/usr/bin/chromium",),
    "postgresql": ("/usr/lib/postgresql/*/bin/postgres",),
    # the server for the diagnostics tests, promtool as the oracle of the alert rule tests
    "prometheus": ("/usr/bin/prometheus", "/usr/bin/promtool"),
}


def missing() -> list[str]:
    return [package for package, proofs in NEEDED.items() if not all(glob.glob(proof) for proof in proofs)]


def main() -> int:
    wanted = missing()
    if not wanted:
        return 0
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"system-deps: missing {', '.join(wanted)}; tests that need them will be skipped")
        return 0
    print(f"system-deps: installing {', '.join(wanted)} from Debian's packages")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *wanted], check=False, env=env)
    # Debian starts a packaged server as a service; the tests start their own on free ports.
    for service in ("prometheus", "postgresql"):
        subprocess.run(["service", service, "stop"], check=False, capture_output=True)
    still = missing()
    if still:
        print(f"system-deps: could not install {', '.join(still)}; their tests will be skipped")
    # Missing parts skip their tests with the reason; they never fail the whole run here.
    return 0


if __name__ == "__main__":
    sys.exit(main())
