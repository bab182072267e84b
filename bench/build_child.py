"""Build one site in this process and print its wall time and peak RSS as JSON.

The benchmark runs every build in a fresh child so that peak memory belongs
to that build alone and imports are paid the same way each time.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from mkdocs.commands.build import build
from mkdocs.config import load_config


def main(config_file: str, site_dir: str) -> None:
    started = time.perf_counter()
    build(load_config(config_file=config_file, site_dir=site_dir))
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
