"""vllm-omni's own review data: module contracts and the CI dependency map.

``contracts`` and ``ci`` are the typed data; ``sources`` reads them from the
bundled snapshot, a checkout or GitHub at a PR's base commit. Nothing here
matches paths or judges a PR: analysis does that with the catalog's matcher.
"""

from .ci import CiDependencies
from .contracts import ModuleContract
from .model import RepositoryData

__all__ = ["CiDependencies", "ModuleContract", "RepositoryData"]
