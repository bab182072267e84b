"""Everything the kit knows before it sees a pull request.

The expert guide's sections, the review framework and the focus map, each
parsed into typed objects with file-and-line errors (``yaml_lines``), then
cross-checked into one ``Catalog`` (``loading``; ``analysis.load_catalog``
adds the rule engines' names). ``paths`` is the one path
matcher; ``coverage`` and ``schema`` serve ``make check-map`` and ``make schema``.
"""

from .loading import Catalog

__all__ = ["Catalog"]
