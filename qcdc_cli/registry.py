"""The registry: code tables, relation cues, known documents and the province gazetteer.

The one module that knows where `directives.yaml` and `provinces.yaml` live and what
they must contain. Files are read with `yaml.safe_load` (never `yaml.load`: a registry
may come from anyone) and validated by pydantic; an error names the file, the key path
and what is wrong.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from qcdc_cli.errors import RegistryError

REGISTRY_ENV = "QCDC_REGISTRY"  # extra registry files, separated by os.pathsep


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocType(_Model):
    code: str
    name: str
    words: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    family: str | None = None


class TypeTables(_Model):
    party: list[DocType] = Field(default_factory=list)
    state: list[DocType] = Field(default_factory=list)


class Issuer(_Model):
    code: str
    system: Literal["party", "state"]
    scope: Literal["national", "local"]
    level: Literal["central", "province", "district", "commune", "any"]
    name: str
    aliases: list[str] = Field(default_factory=list)
    bodies: list[str] = Field(default_factory=list)
    numbered_by_term: bool = False
    until: str | None = None


class RelationCues(_Model):
    cues: list[str]


class Province(_Model):
    name: str
    admin_name: str | None = None
    kind: str | None = None
    aliases: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)  # seats and cities written in date lines
    seat: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    successor: str | None = None
    formed_from: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class DocRelation(_Model):
    """A relation from the document that lists it to `target` (another document's id)."""

    type: Literal["implements", "continues", "guides", "amends", "replaces", "repeals", "based_on", "related"]
    target: str
    date: str | None = None  # when it took effect ("replaces ... from 2023-07-01")
    note: str | None = None
    sources: list[str] = Field(default_factory=list)


class RegistryDocument(_Model):
    """A known document. Relations are listed on the newer document, pointing back."""

    id: str  # Party "TW:CT:30@VIII" (numbers restart each term); State: the number itself
    number: str  # canonical "30-CT/TW", "34/2007/PL-UBTVQH11"
    system: Literal["party", "state"]
    type: str
    issuer_code: str
    issuer: str  # the body: "Bộ Chính trị"
    date: str | None = None  # ISO date of signature
    title: str | None = None
    term: str | None = None  # khóa of the issuing committee / legislature
    province: str | None = None  # for local documents
    status: Literal["in_force", "replaced", "repealed", "expired", "unknown"] = "unknown"
    valid_from: str | None = None
    valid_until: str | None = None
    aliases: list[str] = Field(default_factory=list)  # other ways texts write the number
    relations: list[DocRelation] = Field(default_factory=list)
    confidence: Literal["confirmed", "partial", "unconfirmed"] = "unconfirmed"
    sources: list[str] = Field(default_factory=list)
    note: str | None = None


class Term(_Model):
    """A term (khóa) of a numbering body: Party numbers restart at each one."""

    body: str  # issuer code: "TW", "QH"
    term: str  # "XII", "15"
    start: str  # ISO date the numbering starts
    end: str | None = None
    confidence: Literal["confirmed", "partial", "unconfirmed"] = "unconfirmed"
    sources: list[str] = Field(default_factory=list)


class Registry(_Model):
    schema_version: int = 1
    types: TypeTables = Field(default_factory=TypeTables)
    issuers: list[Issuer] = Field(default_factory=list)
    relations: dict[str, RelationCues] = Field(default_factory=dict)
    terms: list[Term] = Field(default_factory=list)
    documents: list[RegistryDocument] = Field(default_factory=list)
    provinces: list[Province] = Field(default_factory=list)


def _data_dir() -> Path:
    """Where the bundled YAML files are: inside the installed package, else the repo."""
    packaged = resources.files("qcdc_cli") / "data"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "data"


def default_paths() -> list[Path]:
    """The bundled registry files, in load order."""
    data = _data_dir()
    return [data / "directives.yaml", data / "provinces.yaml"]


def extra_paths_from_env() -> list[Path]:
    value = os.environ.get(REGISTRY_ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def read_yaml(path: Path) -> dict[str, Any]:
    """Parse one registry file safely; errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise RegistryError(f"{path}: cannot read registry file: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise RegistryError(f"{path}: registry file is not UTF-8") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise RegistryError(f"{path}: not valid YAML: {e}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RegistryError(f"{path}: a registry file must be a mapping at the top level")
    return data


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Lists are appended (a user file adds codes, cues and documents); mappings merge."""
    out = dict(base)
    for key, value in extra.items():
        if key in out and isinstance(out[key], list) and isinstance(value, list):
            out[key] = [*out[key], *value]
        elif key in out and isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _describe(error: ValidationError, path: Path) -> str:
    lines = [f"{path}: registry does not match the schema:"]
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        lines.append(f"  {where}: {item['msg']}")
    return "\n".join(lines)


def load_registry(extra: Sequence[Path] = ()) -> Registry:
    """The bundled registry plus user files (`extra`, then $QCDC_REGISTRY), validated."""
    return _load(tuple(default_paths()) + tuple(extra) + tuple(extra_paths_from_env()))


@cache
def _load(paths: tuple[Path, ...]) -> Registry:
    merged: dict[str, Any] = {}
    for path in paths:
        data = read_yaml(path)
        try:
            Registry.model_validate(data)  # each file on its own, so errors name it
        except ValidationError as e:
            raise RegistryError(_describe(e, path)) from None
        merged = _merge(merged, data)
    return Registry.model_validate(merged)
