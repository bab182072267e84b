"""Everything the kit knows before it sees a pull request.

The expert guide's sections, the review framework and the focus map, each
parsed into typed objects with file-and-line errors (``yaml_lines``), then
cross-checked into one ``Catalog`` (``loading``). ``paths`` is the one path
matcher; ``coverage`` and ``schema`` serve ``make check-map`` and ``make schema``.
"""

from .loading import Catalog, load_catalog

__all__ = ["Catalog", "load_catalog"]
