"""``yaml: stage-memory-budget``: stages placed on one device that ask for more than all of it.

Reads the stage config as a YAML node tree (line numbers kept), in either of
vllm-omni's layouts (``stage_args`` files and deploy files), each platform's
overlay merged in as vllm-omni merges it.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from ... import bounded_yaml
from ...catalog.rules import ContentRule
from ..model import Finding
from .base import EngineSpec, FileContext, FileRefused


def _scalar_line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _compose_prefix(text: str) -> yaml.Node | None:
    """The YAML node tree of a file, or of its longest readable prefix."""
    lines = text.splitlines()
    for cut in range(6):
        try:
            return bounded_yaml.compose("\n".join(lines) + "\n")
        except bounded_yaml.Refused:
            raise  # past a bound: a shorter prefix is no answer
        except yaml.YAMLError:
            # Drop back to the previous top-level line or list item: the tail
            # of a partly shown file is where it breaks.
            starts = [i for i, line in enumerate(lines) if line[:1].isalpha() or "- " in line[:8]]
            if not starts or cut == 5:
                return None
            lines = lines[: starts[-1]] if starts[-1] > 0 else []
            if not lines:
                return None
    return None


@dataclass
class _StageShare:
    """One stage's memory share and placement, with the YAML lines they were read from."""

    label: str
    value: float
    devices: list[str]
    lines: list[int]  # the share's line first, then the devices' line if any


def _stage_fields(stage: yaml.Node | None) -> dict[str, yaml.Node]:
    """A stage's settings in either layout, flattened.

    ``stage_args`` files put the share under ``engine_args`` and devices
    under ``runtime``; deploy files (``vllm_omni/deploy``) put both on the
    stage itself. vllm-omni reads ``runtime.devices`` before ``devices`` and
    lets ``engine_args`` win over the flat keys (``_parse_stage_deploy`` in
    ``vllm_omni/config/stage_config.py`` at 001275f), and so does this.
    """
    fields = _mapping(stage)
    flat = dict(fields)
    flat.update(_mapping(fields.get("engine_args")))
    runtime_devices = _mapping(fields.get("runtime")).get("devices")
    if runtime_devices is not None:
        flat["devices"] = runtime_devices
    return flat


def _stage_key(fields: dict[str, yaml.Node], index: int) -> str:
    stage_id = fields.get("stage_id")
    return str(stage_id.value) if isinstance(stage_id, yaml.ScalarNode) else f"#{index}"


def _shares(stages: list[dict[str, yaml.Node]]) -> list[_StageShare]:
    found = []
    for index, fields in enumerate(stages):
        share = fields.get("gpu_memory_utilization")
        if not isinstance(share, yaml.ScalarNode):
            continue
        try:
            value = float(share.value)
        except ValueError:
            continue
        devices = fields.get("devices")
        names = (
            [d.strip() for d in str(devices.value).split(",") if d.strip()]
            if isinstance(devices, yaml.ScalarNode)
            else []
        )
        lines = [_scalar_line(share)] + ([_scalar_line(devices)] if devices is not None else [])
        found.append(_StageShare(_stage_key(fields, index), value, names or ["(default)"], lines))
    return found


def _placements(top: dict[str, yaml.Node]) -> list[tuple[str, list[dict[str, yaml.Node]]]]:
    """("", base stages), then (platform, stages with that platform's overlay merged in).

    A platform's ``stages`` overlay its base stages by ``stage_id``, field by
    field (``_merge_stage_lists`` in vLLM-Omni's ``stage_config.py``).
    """
    listed = top.get("stage_args") or top.get("stages")
    if not isinstance(listed, yaml.SequenceNode):
        return []
    base = [_stage_fields(stage) for stage in listed.value]
    placements = [("", base)]
    for platform, block in _mapping(top.get("platforms")).items():
        overlay = _mapping(block).get("stages")
        if not isinstance(overlay, yaml.SequenceNode):
            continue
        merged = {_stage_key(fields, i): dict(fields) for i, fields in enumerate(base)}
        for i, stage in enumerate(overlay.value):
            fields = _stage_fields(stage)
            merged.setdefault(_stage_key(fields, len(base) + i), {}).update(fields)
        placements.append((platform, list(merged.values())))
    return placements


def stage_memory_budget(rule: ContentRule, ctx: FileContext) -> list[Finding]:
    """Stages on one device whose ``gpu_memory_utilization`` adds up to more than 1.0.

    Reads the parsed file: all of it when the diff shows it all, else the
    part from line 1 up to the first gap (more stages can only add to a sum,
    so a sum over 1.0 in that part is already real). Each platform section
    of a deploy file is checked as its stages end up after the overlay.
    """
    if ctx.diff.complete:
        text = "\n".join(line.text for line in ctx.diff.hunks[0].lines) + "\n"
    else:
        prefix = ctx.diff.text_from_start()
        if prefix is None:
            return []
        text = prefix[0]
    found = []
    try:
        root = _compose_prefix(text)
    except bounded_yaml.Refused as exc:
        line, cause = bounded_yaml.problem(exc)
        raise FileRefused(
            f"its YAML was not read: {cause}" + (f" (line {line})" if line else "")
        ) from None
    for platform, stages in _placements(_mapping(root)):
        per_device: dict[str, list[_StageShare]] = {}
        for share in _shares(stages):
            for device in share.devices:
                per_device.setdefault(device, []).append(share)
        for device, shares in per_device.items():
            total = sum(s.value for s in shares)
            if total <= 1.0 + 1e-9:
                continue
            # Shares' own lines first: they are the lines to point at when they changed.
            candidates = [s.lines[0] for s in shares] + [n for s in shares for n in s.lines[1:]]
            added = [n for n in candidates if n in ctx.diff.added]
            if not added:
                continue  # the budget was already over before this change
            parts = " + ".join(f"{s.value:g} (stage {s.label})" for s in shares)
            where = f"platform {platform}, device {device}" if platform else f"device {device}"
            found.append(ctx.finding(rule, added[0], f"{where}: {parts} = {total:.2f}"))
    return found


STAGE_MEMORY_BUDGET = EngineSpec(
    name="stage-memory-budget",
    title="stages on one device whose gpu_memory_utilization adds up to more than 1.0",
    run=stage_memory_budget,
)
