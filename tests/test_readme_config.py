"""The README's configuration works when copied: every ```toml block loads with the real config loader,
the Configuration section is one block holding the full sample, and the sample marks every value that
is not the default with `(default: …)`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from sync.config_file import load_config
from sync.core.config import Config

README = Path(__file__).resolve().parent.parent / "README.md"
FENCE = re.compile(r"^```toml\n(.*?)^```$", re.S | re.M)
# every section of the config (sheets: more sheets for `serve`, documented in docs/operations.md)
SECTIONS = tuple(
    name
    for name, field in Config.model_fields.items()
    if isinstance(field.default, BaseModel) and name != "sheets"
)


def toml_key(name: str) -> str:
    """A section's name in the TOML file: [import] is the field import_ (a Python keyword)."""
    return Config.model_fields[name].alias or name


def toml_blocks() -> list[str]:
    return FENCE.findall(README.read_text(encoding="utf-8"))


def configuration_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Configuration")
    return text[start : text.index("\n### ", start)]


def full_sample() -> str:
    blocks = FENCE.findall(configuration_section())
    assert len(blocks) == 1, "the Configuration section is one TOML block"
    return blocks[0]


@pytest.mark.parametrize("block", toml_blocks(), ids=lambda b: b.splitlines()[0][:40])
def test_every_readme_toml_block_loads(tmp_path, block):
    path = tmp_path / "sfa-sync.toml"
    path.write_text(block, encoding="utf-8")
    load_config(path)


def test_the_configuration_block_renders_as_one_block():
    section = configuration_section()
    # nothing that looks like TOML is left outside the fence (the fence closed early before)
    outside = FENCE.sub("", section)
    assert not re.search(r"^\[[a-z.\[\]]+\]", outside, re.M), outside


def test_the_full_sample_loads_and_has_every_section(tmp_path):
    sample = full_sample()
    path = tmp_path / "sfa-sync.toml"
    path.write_text(sample, encoding="utf-8")
    config = load_config(path)
    assert {toml_key(name) for name in SECTIONS} <= set(tomllib.loads(sample))
    shown = tomllib.loads(sample)
    for name in SECTIONS:  # and every key of each section (Google's keys: in the Google Sheets block)
        fields = set(type(getattr(Config(), name)).model_fields) - {"spreadsheet", "credentials", "endpoint"}
        # (reminders' subsections are tables)
        missing = fields - set(shown[toml_key(name)]) - {"email", "chat"}
        assert not missing, f"[{name}] in the README lacks {sorted(missing)}"
    assert config.pipeline == Config().pipeline  # the sample's pipeline is the default one


def _leaves(data: dict, defaults: dict, prefix: str = "") -> dict[str, tuple[object, object]]:
    """dotted key -> (sample value, default value), down to the values a line sets."""
    found: dict[str, tuple[object, object]] = {}
    for key, value in data.items():
        default = defaults.get(key)
        if isinstance(value, dict) and isinstance(default, dict) and default:
            found |= _leaves(value, default, f"{prefix}{key}.")
        else:
            found[f"{prefix}{key}"] = (value, default)
    return found


def test_the_sample_says_which_values_are_not_the_defaults():
    sample = full_sample()
    data = tomllib.loads(sample)
    data.pop("pipeline")  # compared as a whole above
    defaults = Config().model_dump(mode="json", by_alias=True)  # [import] is the field import_
    table = ""
    line_of: dict[str, str] = {}
    for line in sample.splitlines():
        header = re.match(r"^\[([a-z_.]+)\]", line)
        if header:
            table = header.group(1) + "."
        assignment = re.match(r"^([a-z_]+)\s*=", line)
        if assignment:
            line_of[(table if table != "." else "") + assignment.group(1)] = line
    different = {k: v for k, v in _leaves(data, defaults).items() if v[0] != v[1]}
    assert different  # the sample shows a realistic setup, e.g. email on
    for key, (value, default) in different.items():
        assert "(default:" in line_of[key], f"{key} = {value!r} is not the default {default!r}: say so"
    for key, line in line_of.items():
        if key not in different and key in _leaves(data, defaults):
            assert "(default:" not in line, f"{key} is the default: its line should not say otherwise"
