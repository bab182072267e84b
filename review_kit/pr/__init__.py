"""A pull request as plain data, and the sources it can come from.

``model`` is what analysis and rendering see; ``sources`` turns GitHub, a git
range, a JSON file or the bundled snapshot into that model.
"""
