"""Core of the vLLM-Omni review kit: load, validate, analyse and render.

The MkDocs hooks, the macros module and ``tools/review_pr.py`` are thin front
ends over this package; nothing here imports MkDocs.
"""

__version__ = "0.1.0"
