"""One object per MkDocs build: its settings, its catalog, its PR reviews.

The macros module and every hook ask ``site_build(config)`` for it; the first
caller loads the settings and the catalog, the rest share them, so each data
file is read once per build. The object lives on the build's config, so a
``mkdocs serve`` rebuild (a new config) starts clean and tests reset nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from ..analysis import Review
from ..analysis import load_catalog
from ..catalog.loading import Catalog
from ..errors import ReviewKitError
from ..settings import REPO_ROOT, Settings
from .links import SiteLinks

_ATTRIBUTE = "_review_kit_build"
_CORE_LOGGER = "review_kit"


@dataclass
class SiteBuild:
    settings: Settings
    catalog: Catalog
    use_directory_urls: bool
    reviews: dict[str, Review] = field(default_factory=dict)  # page src_uri -> review
    index: list[Review] = field(default_factory=list)
    # Whether the handbook PDF plugin runs in this build (hooks/pdf_export.py).
    handbook_pdf: bool = False

    def links(self, src_uri: str) -> SiteLinks:
        return SiteLinks(src_uri, self.use_directory_urls)


def site_build(config: MkDocsConfig) -> SiteBuild:
    """This build's state, created on first use; bad settings or data are a ``PluginError``."""
    state = getattr(config, _ATTRIBUTE, None) or _plain(config).get(_ATTRIBUTE)
    if state is None:
        _route_core_logs()
        # Zensical runs the macros module with a plain dict that has no
        # config_file_path and a docs_dir relative to the project.
        path = config.get("config_file_path")
        root = Path(path).parent if path else REPO_ROOT
        try:
            settings = Settings.load(
                config["extra"].get("review_kit"), root, root / config.get("docs_dir", "docs")
            )
            catalog = load_catalog(
                settings.docs_dir,
                settings.framework,
                settings.focus_map,
                settings.root,
                all_rules=settings.all_rules,
            )
        except ReviewKitError as exc:
            raise PluginError(str(exc)) from None
        state = SiteBuild(settings, catalog, config.get("use_directory_urls", True))
        try:
            setattr(config, _ATTRIBUTE, state)
        except AttributeError:
            _plain(config)[_ATTRIBUTE] = state
    return state


def _plain(config) -> dict:
    return config if type(config) is dict else {}


def _route_core_logs() -> None:
    # The core logs as "review_kit.*", which MkDocs would never show; sending it
    # through the "mkdocs" logger's handlers puts rate-limit waits and cache
    # fallbacks in the build log, and lets --strict count their warnings.
    core, mkdocs_log = logging.getLogger(_CORE_LOGGER), logging.getLogger("mkdocs")
    for handler in mkdocs_log.handlers:
        if handler not in core.handlers:
            core.addHandler(handler)
    core.setLevel(logging.INFO)
    core.propagate = False
