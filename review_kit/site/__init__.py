"""The MkDocs front end: state for one build, links from MkDocs' own helpers.

The only package of the kit that imports MkDocs. ``hooks/`` and ``macros/``
are thin event handlers over it; everything they show comes from the core.
"""
