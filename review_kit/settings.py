"""Every setting of the kit, read and validated in one place into one typed object.

Sources, in order of precedence: environment variables (``REVIEW_PRS``,
``GITHUB_TOKEN``, ...), then ``extra.review_kit`` in ``mkdocs.yml``. A wrong or
missing value is one ``ReviewKitError`` naming the variable or key; the site
turns it into a ``PluginError``, the review tool into exit code 2.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import annotated_types
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict

from .bounded_yaml import BoundedLoader
from .bounded_yaml import load as bounded_load
from .errors import ReviewKitError
from .pr.model import check_repo_name
from .pr.sources.github import NOTICE_LEVELS
from .pr.sources.github_settings import DEFAULT_API_URL, GitHubSettings, host_of
from .pr.sources.snapshot import DEFAULT_REPO

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_KEY = "extra.review_kit"
PDF_ENV = "REVIEW_PDF"
ALL_RULES_ENV = "REVIEW_ALL_RULES"


class KitConfig(BaseModel):
    """``extra.review_kit`` in mkdocs.yml, exactly as written (paths relative to mkdocs.yml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    focus_map: str
    framework: str
    tree: str
    repo: str = DEFAULT_REPO
    prs: list[int] | str = []
    offline: bool = False
    # Run the content rules that are off by default too (REVIEW_ALL_RULES, --all-rules).
    all_rules: bool = False
    # Written by hooks/pdf_export.py for the PDF cover; not for users to set.
    version: str | None = None
    build_date: str | None = None


@dataclass(frozen=True)
class Settings:
    root: Path  # the folder of mkdocs.yml; errors show paths relative to it
    docs_dir: Path
    focus_map: Path
    framework: Path
    tree: Path
    repo: str
    prs: tuple[int, ...]
    github: GitHubSettings
    pdf: bool
    source_date_epoch: str | None
    # Every content rule runs, those off by default included.
    all_rules: bool = False

    @classmethod
    def load(
        cls,
        extra: Mapping[str, Any] | None,
        root: Path = REPO_ROOT,
        docs_dir: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        env = os.environ if environ is None else environ
        config = _kit_config(extra)
        if env.get("REVIEW_PRS") is not None:
            prs = parse_pr_numbers(env["REVIEW_PRS"], "REVIEW_PRS")
        else:
            prs = parse_pr_numbers(config.prs, f"mkdocs.yml {CONFIG_KEY}.prs")
        return cls(
            root=root,
            docs_dir=docs_dir or root / "docs",
            focus_map=root / config.focus_map,
            framework=root / config.framework,
            tree=root / config.tree,
            repo=check_repo_name(env.get("REVIEW_REPO") or config.repo),
            prs=tuple(prs),
            github=github_settings(root / ".cache", env),
            pdf=env.get(PDF_ENV) == "1",
            source_date_epoch=env.get("SOURCE_DATE_EPOCH"),
            all_rules=_switch(env, ALL_RULES_ENV, config.all_rules),
        )

    @classmethod
    def defaults(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The kit's own mkdocs.yml values, for the review tool run outside a build."""
        return cls.load(read_kit_config(REPO_ROOT / "mkdocs.yml"), REPO_ROOT, None, environ)


class _TolerantLoader(BoundedLoader):
    """mkdocs.yml without MkDocs: tags such as ``!ENV`` read as null, not as errors."""


_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def read_kit_config(path: Path) -> Mapping[str, Any] | None:
    """``extra.review_kit`` of a mkdocs.yml, read without loading MkDocs."""
    try:
        data = bounded_load(path.read_text(encoding="utf-8"), _TolerantLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise ReviewKitError(f"{path.name}: cannot read ({exc})") from None
    extra = (data or {}).get("extra") or {}
    return extra.get("review_kit")


def _kit_config(extra: Mapping[str, Any] | None) -> KitConfig:
    if extra is None:
        raise ReviewKitError(f"mkdocs.yml: {CONFIG_KEY} is missing; the kit needs its paths there")
    try:
        return KitConfig.model_validate(dict(extra))
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        cause = "missing" if error["type"] == "missing" else error["msg"]
        raise ReviewKitError(f"mkdocs.yml: {CONFIG_KEY}.{key}: {cause}") from None


_SWITCHES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    """An on/off environment variable (1/0, true/false, yes/no), else the configured value."""
    text = env.get(name)
    if text is None or not text.strip():
        return default
    value = _SWITCHES.get(text.strip().lower())
    if value is None:
        raise ReviewKitError(f"{name}: {text[:20]!r} is not 1 or 0")
    return value


# ASCII digits only (str.isdigit also accepts "²" and Arabic-Indic digits), and
# few enough that int() never meets Python's 4300-digit limit.
_PR_NUMBER = re.compile(r"[0-9]{1,10}")
# What an HTTP header value (and so a token) may hold: visible ASCII.
_TOKEN = re.compile(r"[\x21-\x7e]+")


def parse_pr_numbers(value: str | Iterable[object], origin: str) -> list[int]:
    """``"19, 23"`` or ``[19, 23]`` -> ``[19, 23]``; anything else is a one-line error."""
    items = value.split(",") if isinstance(value, str) else list(value)
    numbers: list[int] = []
    for item in items:
        text = str(item).strip()
        if not text and isinstance(value, str):
            continue
        if not _PR_NUMBER.fullmatch(text) or int(text) <= 0:
            raise ReviewKitError(f"{origin}: {text[:20]!r} is not a pull request number")
        if int(text) not in numbers:
            numbers.append(int(text))
    return numbers


def resolve_token(environ: Mapping[str, str] | None = None) -> str | None:
    """GITHUB_TOKEN, else GH_TOKEN, else `gh auth token`, else none (unauthenticated)."""
    env = os.environ if environ is None else environ
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        if env.get(name, "").strip():
            return _checked_token(env[name].strip(), name)
    gh = shutil.which("gh")
    if gh:
        try:
            out = subprocess.run(
                [gh, "auth", "token"], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        token = out.stdout.strip()
        if out.returncode == 0 and token:
            return _checked_token(token, "`gh auth token`")
    return None


def _checked_token(token: str, origin: str) -> str:
    # A token goes into an HTTP header: a newline there would be a header
    # injection, a non-ASCII character a crash. The token itself is never shown.
    if not _TOKEN.fullmatch(token):
        raise ReviewKitError(
            f"{origin}: the token holds characters a token cannot (space, control or non-ASCII); "
            "it is not shown here"
        )
    return token


class ClientEnvironment(BaseSettings):
    """The GitHub client's numbers and notice level as the environment sets them.

    Bounds are declared here, on the fields: past them a value is a typo, not a
    choice. Defaults are ``GitHubSettings``' own, so they live in one place.
    """

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", env_ignore_empty=True)

    timeout: float = Field(
        GitHubSettings.timeout,
        ge=0.1,
        le=600.0,
        allow_inf_nan=False,
        validation_alias="REVIEW_HTTP_TIMEOUT",
    )
    max_wait: float = Field(
        GitHubSettings.max_wait,
        ge=0.0,
        le=3600.0,
        allow_inf_nan=False,
        validation_alias="REVIEW_MAX_WAIT",
    )
    retries: int = Field(
        GitHubSettings.retries, ge=0, le=10, validation_alias="REVIEW_HTTP_RETRIES"
    )
    backoff: float = Field(
        GitHubSettings.backoff,
        ge=0.0,
        le=60.0,
        allow_inf_nan=False,
        validation_alias="REVIEW_HTTP_BACKOFF",
    )
    notice_level: str = Field(GitHubSettings.notice_level, validation_alias="REVIEW_NOTICE_LEVEL")

    @field_validator("timeout", "max_wait", "retries", "backoff", mode="before")
    @classmethod
    def _ascii_number(cls, value: object, info: ValidationInfo) -> object:
        # ASCII digits only, and few of them: pydantic, like int() and float(),
        # would also read "1_000"; an environment variable is not Python source.
        if not isinstance(value, str):
            return value
        text = value.strip()
        whole = info.field_name == "retries"
        pattern = _WHOLE if whole else _DECIMAL
        if not pattern.fullmatch(text):
            raise PydanticCustomError("not_a_number", "not a number")
        return text

    @field_validator("notice_level")
    @classmethod
    def _a_level(cls, value: str) -> str:
        level = value.strip().lower()
        if level not in NOTICE_LEVELS:
            raise PydanticCustomError("not_a_level", "not a notice level")
        return level

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> ClientEnvironment:
        """The values ``environ`` sets, checked; a bad one is one line naming the variable."""
        try:
            return cls.model_validate(_EnvironmentOf(cls, environ)())
        except ValidationError as exc:
            raise ReviewKitError(_client_problem(exc, environ)) from None


class _EnvironmentOf(EnvSettingsSource):
    """pydantic-settings' environment reading, over a given mapping instead of os.environ
    (the review tool and tests pass theirs)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        # An empty or blank variable means "not set", as it always has here.
        self._given = {name: value for name, value in environ.items() if value.strip()}
        super().__init__(settings_cls, case_sensitive=True, env_ignore_empty=True)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return self._given


_WHOLE = re.compile(r"-?[0-9]{1,9}")
_DECIMAL = re.compile(
    r"[-+]?([0-9]{1,12}(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]{1,3})?|[-+]?(nan|inf|infinity)",
    re.IGNORECASE,
)


def _bounds(name: str) -> tuple[float, float]:
    """The ``ge`` and ``le`` declared on the field read from ``name``."""
    field = next(f for f in ClientEnvironment.model_fields.values() if f.validation_alias == name)
    low = next(m.ge for m in field.metadata if isinstance(m, annotated_types.Ge))
    high = next(m.le for m in field.metadata if isinstance(m, annotated_types.Le))
    return float(low), float(high)  # type: ignore[arg-type]


def _client_problem(exc: ValidationError, environ: Mapping[str, str]) -> str:
    error = exc.errors()[0]
    name = str(error["loc"][0])
    text = str(environ.get(name, "")).strip()
    shown = repr(text[:20])
    if name == "REVIEW_NOTICE_LEVEL":
        return f"{name}: {text.lower()[:20]!r} is not info or warning"
    if error["type"] in ("not_a_number", "int_parsing", "float_parsing", "int_from_float"):
        kind = "a whole number" if name == "REVIEW_HTTP_RETRIES" else "a number"
        return f"{name}: {shown} is not {kind}"
    if error["type"] == "finite_number":
        return f"{name}: {shown} must be a finite number"
    if text.startswith("-") and float(text) < 0:
        return f"{name}: {shown} must not be negative"
    low, high = _bounds(name)
    return f"{name}: {shown} must be between {low:g} and {high:g}"


def check_api_url(text: str) -> str:
    """GITHUB_API_URL, trimmed and checked; errors name the host only, never user info."""
    url = text.strip().rstrip("/")
    shown = host_of(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ReviewKitError(
            f"GITHUB_API_URL: not a valid URL (host {shown}; bad brackets or port)"
        ) from None
    if not url.isascii() or not url.isprintable() or " " in url:
        raise ReviewKitError("GITHUB_API_URL: holds spaces, control or non-ASCII characters")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ReviewKitError(f"GITHUB_API_URL: {url[:80]!r} is not an http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise ReviewKitError(
            f"GITHUB_API_URL: the URL for {shown} carries a user name or password; "
            "remove them and put the token in GITHUB_TOKEN"
        )
    if port == 0 or parts.query or parts.fragment:
        raise ReviewKitError(f"GITHUB_API_URL: {shown}: no port 0, query or fragment allowed")
    return url


def github_settings(
    default_cache_dir: Path, environ: Mapping[str, str] | None = None
) -> GitHubSettings:
    """The GitHub client's settings from ``GITHUB_*`` and ``REVIEW_*`` variables."""
    env = os.environ if environ is None else environ
    api_url = check_api_url(env.get("GITHUB_API_URL") or DEFAULT_API_URL)
    client = ClientEnvironment.read(env)
    return GitHubSettings(
        api_url=api_url,
        token=resolve_token(env),
        cache_dir=Path(env.get("REVIEW_CACHE_DIR") or default_cache_dir),
        state_dir=_state_dir(env),
        timeout=client.timeout,
        max_wait=client.max_wait,
        retries=client.retries,
        backoff=client.backoff,
        notice_level=client.notice_level,
    )


def _state_dir(env: Mapping[str, str]) -> Path | None:
    """The kit's folder under ``$XDG_STATE_HOME`` (else ``~/.local/state``); None with no home."""
    base = env.get("XDG_STATE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        home = env.get("HOME", "")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".local", "state")
    return Path(base) / "vllm-omni-review-kit"
