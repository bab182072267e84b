"""Build the site with Zensical into site-zensical/, as a measured second build path.

Zensical reads mkdocs.yml but runs no `hooks:`, so the focus-area pages that
hooks/focus_area_pages.py adds would be missing. This script stages a copy of
what a build reads, writes those pages and their navigation with the hook's own
functions (the same one-macro-call sources MkDocs gets), and runs `zensical
build` on the copy. The MkDocs build is untouched. Usage, inside .venv-zensical:

    python tools/zensical_site.py [--out site-zensical]
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from review_kit.bounded_yaml import BoundedLoader
from review_kit.bounded_yaml import load as bounded_load
from review_kit.site.build import site_build

REPO = Path(__file__).resolve().parent.parent
# What a build reads; hooks/ and pdf-theme/ serve only MkDocs' hooks and the PDF plugin.
SOURCES = ("docs", "macros")


class EnvTag:
    """An `!ENV` value of mkdocs.yml, kept as written so Zensical resolves it."""

    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def _env_loader() -> type[BoundedLoader]:
    class Loader(BoundedLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: EnvTag(node))
    return Loader


def _env_dumper() -> type[yaml.SafeDumper]:
    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(EnvTag, lambda dumper, tag: tag.node)
    return Dumper


def _focus_area_hook(project: Path):
    spec = importlib.util.spec_from_file_location(
        "focus_area_pages", project / "hooks" / "focus_area_pages.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stage(project: Path, stage_dir: Path) -> Path:
    """Copy the project's build inputs to stage_dir with the hook's pages written out.

    Returns the staged config file.
    """
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    for name in SOURCES:
        shutil.copytree(
            project / name, stage_dir / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    config_file = stage_dir / "mkdocs.yml"
    config = bounded_load((project / "mkdocs.yml").read_text(encoding="utf-8"), _env_loader())
    hook = _focus_area_hook(project)
    # The hook's own functions, on a plain dict: the same nav entries and sources.
    hook_config = {**config, "config_file_path": str(config_file)}
    hook.on_config(hook_config)  # extends the shared nav list in place
    areas = site_build(hook_config).catalog.focus_map.areas
    for src_uri, content in hook.generate_area_sources(areas).items():
        (stage_dir / "docs" / src_uri).write_text(content, encoding="utf-8")
    config.pop("hooks", None)
    config["site_dir"] = "site"
    with open(config_file, "w", encoding="utf-8") as out:
        yaml.dump(config, out, Dumper=_env_dumper(), sort_keys=False, allow_unicode=True)
    return config_file


def build(project: Path, out: Path, zensical: Path) -> None:
    """Stage project and build it with Zensical into out."""
    stage_dir = project / "build" / "zensical"
    config_file = stage(project, stage_dir)
    subprocess.run(
        [str(zensical), "build", "--clean", "--strict", "-f", str(config_file)],
        check=True,
        cwd=stage_dir,
    )
    if out.exists():
        shutil.rmtree(out)
    shutil.move(stage_dir / "site", out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "site-zensical")
    parser.add_argument("--project", type=Path, default=REPO)
    args = parser.parse_args()
    zensical = Path(sys.executable).parent / "zensical"
    try:
        build(args.project.resolve(), args.out.resolve(), zensical)
    except subprocess.CalledProcessError as exc:
        print(f"zensical build failed with exit code {exc.returncode}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
