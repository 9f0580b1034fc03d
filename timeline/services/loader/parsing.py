"""Reading editor files: JSON or YAML lists of Django fixture records, with the line of each record."""

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from timeline.services.loader.reporting import Problem

FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
WHITESPACE = re.compile(r"[ \t\n\r]*")


@dataclass(eq=False)
class RawRecord:
    """One element of a file's top-level list, as parsed, with where it sits."""

    file: str
    index: int
    line: int | None
    data: object


def expand_paths(paths):
    """Files named and the editor files directly inside folders named, each once, in a stable order."""
    files, problems, seen = [], [], set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(child for child in path.iterdir() if child.is_file() and child.suffix.lower() in FORMATS)
            if not found:
                problems.append(Problem(str(path), "no .json, .yaml or .yml files in this folder"))
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                problems.append(Problem(str(path), "not an editor file: use .json, .yaml or .yml"))
                continue
            found = [path]
        else:
            problems.append(Problem(str(path), "no such file or folder"))
            continue
        for file in found:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                files.append(file)
    return files, problems


def parse_file(path):
    """Return (records, problems) for one file; a malformed file yields one problem with line and column."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return [], [Problem(name, f"not UTF-8 text ({error.reason} at byte {error.start})")]
    except OSError as error:
        return [], [Problem(name, f"cannot be read: {error.strerror}")]
    parse = _parse_json if FORMATS[Path(path).suffix.lower()] == "json" else _parse_yaml
    parsed = parse(name, text)
    if isinstance(parsed, Problem):
        return [], [parsed]
    data, lines = parsed
    if not isinstance(data, list):
        kind = "nothing" if data is None else type(data).__name__
        return [], [Problem(name, f"expected a list of records, found {kind}", line=1)]
    records = [
        RawRecord(name, number, line, item) for number, (item, line) in enumerate(zip(data, lines, strict=True), 1)
    ]
    return records, []


def _parse_json(name, text):
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        return Problem(name, f"malformed JSON: {error.msg}", line=error.lineno, column=error.colno)
    lines = _json_item_lines(text) if isinstance(data, list) else []
    return data, lines


def _json_item_lines(text):
    """Line on which each element of a well-formed top-level JSON array starts."""
    decoder = json.JSONDecoder(parse_float=Decimal)
    position = WHITESPACE.match(text, 0).end() + 1
    position = WHITESPACE.match(text, position).end()
    lines, line, counted = [], 1, 0
    while text[position] != "]":
        line += text.count("\n", counted, position)
        counted = position
        lines.append(line)
        _, position = decoder.raw_decode(text, position)
        position = WHITESPACE.match(text, position).end()
        if text[position] == ",":
            position = WHITESPACE.match(text, position + 1).end()
    return lines


def _parse_yaml(name, text):
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or error.context or "invalid YAML"
        return Problem(
            name,
            f"malformed YAML: {reason}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
    except yaml.YAMLError as error:
        return Problem(name, f"malformed YAML: {error}")
    finally:
        loader.dispose()
    lines = [item.start_mark.line + 1 for item in node.value] if isinstance(node, yaml.SequenceNode) else []
    return data, lines
