"""Google field masks: ``fields=sheets(properties(title,sheetId))``, ``sheets.data.rowData.values.note``,
``gridProperties/rowCount`` — parsing, filtering responses and applying masked updates."""

from __future__ import annotations

import copy
import functools
from typing import Any

Tree = dict[str, "Tree | None"]


def parse_mask(text: str) -> Tree:
    tree: Tree = {}
    pos = 0

    def parse_list(node: Tree) -> None:
        nonlocal pos
        while pos < len(text):
            start = pos
            while pos < len(text) and text[pos] not in ",()":
                pos += 1
            path = [p for p in text[start:pos].strip().replace("/", ".").split(".") if p]
            leaf = node
            for name in path[:-1]:
                sub = leaf.get(name, {})
                if sub is None:
                    sub = None
                    break
                leaf[name] = sub
                leaf = sub
            last = path[-1] if path else None
            if pos < len(text) and text[pos] == "(":
                pos += 1
                child: Tree = leaf.get(last) or {} if last else {}
                if last:
                    leaf[last] = child
                parse_list(child)
                pos += 1  # ')'
            elif last and leaf is not None:
                leaf[last] = None
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            if pos < len(text) and text[pos] == ")":
                return

    parse_list(tree)
    return tree


def filter_by_mask(data: Any, tree: Tree | None) -> Any:
    if tree is None or "*" in tree:
        return data
    if isinstance(data, list):
        return [filter_by_mask(item, tree) for item in data]
    if isinstance(data, dict):
        return {k: filter_by_mask(data[k], sub) for k, sub in tree.items() if k in data}
    return data


def mask_paths(fields: str) -> list[list[str]]:
    return [list(path) for path in _mask_paths(fields)]


@functools.lru_cache(maxsize=256)
def _mask_paths(fields: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(path) for path in _walk_mask(fields))


def _walk_mask(fields: str) -> list[list[str]]:
    """'gridProperties/rowCount,title' -> [['gridProperties','rowCount'], ['title']]."""
    out: list[list[str]] = []

    def walk(node: Tree, prefix: list[str]) -> None:
        for name, sub in node.items():
            if sub is None or not sub:
                out.append([*prefix, name])
            else:
                walk(sub, [*prefix, name])

    walk(parse_mask(fields), [])
    return out


def apply_masked(target: dict, source: dict, fields: str, protected: tuple[str, ...] = ()) -> None:
    """Copy ``fields`` from ``source`` into ``target``; a masked field absent in source is cleared."""
    paths = mask_paths(fields)
    if any(p == ["*"] for p in paths):
        paths = [[k] for k in set(target) | set(source) if k not in protected]
    for path in paths:
        src: Any = source
        for name in path:
            src = src.get(name) if isinstance(src, dict) else None
        dst = target
        for name in path[:-1]:
            dst = dst.setdefault(name, {})
        src = prune(copy.deepcopy(src))
        if src is None:
            dst.pop(path[-1], None)
        else:
            dst[path[-1]] = src


COLOR_KEYS = {"rgbColor", "tabColor", "backgroundColor", "foregroundColor", "color"}
MIRRORED = {
    "tabColor": "tabColorStyle",
    "backgroundColor": "backgroundColorStyle",
    "foregroundColor": "foregroundColorStyle",
}


def normalize_colors(value: Any) -> Any:
    """Google stores colours as float32, omits zero components, and mirrors xColor <-> xColorStyle."""
    if isinstance(value, list):
        return [normalize_colors(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, sub in value.items():
        if key in COLOR_KEYS and isinstance(sub, dict):
            sub = {c: _f32(x) for c, x in sub.items() if isinstance(x, (int, float)) and x != 0}
        else:
            sub = normalize_colors(sub)
        out[key] = sub
    for plain, style in MIRRORED.items():
        if plain in out and style not in out:
            out[style] = {"rgbColor": dict(out[plain])}
        elif style in out and plain not in out and "rgbColor" in (out[style] or {}):
            out[plain] = dict(out[style]["rgbColor"])
    return out


def _f32(x: float) -> float | int:
    y = float(f"{x:.8g}")
    return int(y) if y.is_integer() else y


def prune(value: Any) -> Any:
    """Proto3 output rules: unset (null), false and emptied messages are not echoed back."""
    if isinstance(value, dict):
        out = {k: prune(v) for k, v in value.items()}
        out = {k: v for k, v in out.items() if v is not None and v is not False and v != {}}
        return out or None
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value
