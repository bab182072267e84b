"""vllm-omni's own review data: module contracts, the CI dependency map and its written rules.

``contracts``, ``ci`` and ``skill`` (the review skill and pre-commit hooks)
are the typed data; ``sources`` reads them from the bundled snapshot, a
checkout or GitHub at a PR's base commit. Nothing here
matches paths or judges a PR: analysis does that with the catalog's matcher.
"""

from .ci import CiDependencies
from .contracts import ModuleContract
from .model import RepositoryData
from .skill import ReviewSkill

__all__ = ["CiDependencies", "ModuleContract", "RepositoryData", "ReviewSkill"]
