"""Strict YAML, the one way ungpho reads its data files (rules, catalogue, limits, decay
data, CAP texts, activation packages): a key written twice in one mapping is an error (PyYAML
would silently keep the last), and every mapping remembers the line it starts on so that a
validation error can name it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict[Any, Any]):
    """A mapping read from YAML, with the 1-based line where it starts."""

    line: int = 0


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys and builds :class:`LineDict` mappings."""


def _mapping(loader: StrictLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def yaml_strict(text: str) -> Any:
    """The document in ``text``; a syntax error or a duplicate key raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=StrictLoader)  # noqa: S506 — StrictLoader is a SafeLoader


def yaml_read(path: Path) -> Any:
    """Read ``path``; a syntax error or a duplicate key is a ValueError naming file and line."""
    try:
        return yaml_strict(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}" if mark is not None else "?"
        raise ValueError(f"{path.name} {where}: {error.problem}") from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ValueError(f"{path.name}: {error}") from error


def where(path: Path, node: Any) -> str:
    """``"parameters.yaml line 57"`` for a mapping read by :func:`yaml_read`."""
    line = getattr(node, "line", 0)
    return f"{path.name} line {line}" if line else path.name
