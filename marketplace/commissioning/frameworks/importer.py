"""Read and check an outcomes framework file (JSON or CSV) before anything is saved.

A framework is one document: every problem in the file is collected, each with the line (CSV) or the path
(JSON, like ``themes[0].aims[1].title``) where it is, and nothing is saved unless there are none.
The interchange formats are described in ``docs/needs-interchange.md``.

JSON: ``{"name", "cross_cutting": [text], "themes": [{"code", "title", "aims": [{"code", "title",
"outcomes": [{"code", "title", "ecm_outcomes": [codes or labels], "measures": [{"code", "title", "current_position",
"target", "timescale", "lead", …}]}]}], "key_actions": [text]}]}`` (codes are optional; they default to the title
made into a slug).

A measure may also give ``unit, direction, baseline, baseline_period, target_value, target_period,
target_reference, tolerance, lead_officer, data_source, frequency``, written as people write them ("Lower is
better", "81.8%", "604 days", "New measure", "Q2 2013/14", "Quarterly"; see ``labels.py``). These are checked
strictly, each problem reported where it is. When ``baseline`` or ``target_value`` is not given, it is read from
``current_position``/``target`` if those words are a value or a state, and otherwise left unset (the words are
kept), so a framework written in prose still imports whole.

CSV: one row per measure with the columns ``theme, aim, outcome, measure, current_position, target, timescale,
lead, ecm_outcomes`` (ECM outcome codes or labels separated by semicolons), and optionally any of the measure
columns above.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from marketplace.commissioning.frameworks.labels import (
    LabelError,
    infer_direction,
    read_direction,
    read_frequency,
    read_number,
    read_period,
    read_reading,
)
from marketplace.reference.services import terms_by_code

MAX_FILE_BYTES = 2 * 1024 * 1024
CSV_COLUMNS = ("theme", "aim", "outcome", "measure", "current_position", "target", "timescale", "lead", "ecm_outcomes")
NAME_LIMIT = 200
CODE_LIMIT = 120
TITLE_LIMITS = {"theme": 300, "aim": 300, "outcome": 300, "measure": 500}
MEASURE_TEXT_LIMITS = {"current_position": 300, "target": 300, "timescale": 120, "lead": 200}
CROSS_CUTTING_LIMIT = 500
KEY_ACTION_LIMIT = 2000
OPTIONAL_MEASURE_COLUMNS = (
    "unit",
    "direction",
    "baseline",
    "baseline_period",
    "target_value",
    "target_period",
    "target_reference",
    "tolerance",
    "lead_officer",
    "data_source",
    "frequency",
)
MEASURE_DETAIL_LIMITS = {"unit": 40, "target_reference": 200, "lead_officer": 200, "data_source": 200}
# Themes, aims, outcomes and measures together. Real frameworks have tens to a few hundred; the bound keeps one
# upload (each item is a row to check and save) to a few seconds of one worker.
MAX_ITEMS = 3000
# level → (its children's key, the child level)
CHILDREN = {"theme": ("aims", "aim"), "aim": ("outcomes", "outcome"), "outcome": ("measures", "measure")}


class FrameworkFileError(Exception):
    """The file cannot be imported; ``problems`` says where and why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def slugify(text: str) -> str:
    """A title as a stable code: lower case words joined by hyphens (at most 120 characters)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:CODE_LIMIT].strip("-") or "item"


# Reading files ------------------------------------------------------------------------------------------------


def read_framework_file(filename: str, content: bytes, *, name: str = "") -> dict[str, Any]:
    """The file as framework data (the JSON shape), checked. ``name`` overrides (or, for CSV, gives) the name."""
    if len(content) > MAX_FILE_BYTES:
        raise FrameworkFileError(["The selected file must be smaller than 2MB"])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FrameworkFileError(
            [f"The selected file must be saved as UTF-8 (byte {error.start + 1} is not)"]
        ) from error
    lowered = filename.lower()
    problems: list[str] = []
    if lowered.endswith(".json"):
        data = parse_json(text)
    elif lowered.endswith(".csv"):
        data, problems = parse_csv(text)
        if not name.strip():
            problems.insert(0, "Enter a name for the framework (a CSV file does not include one)")
    else:
        raise FrameworkFileError(["The selected file must be a JSON or CSV file"])
    _check_item_count(data)
    if name.strip():
        data["name"] = name.strip()
    try:
        cleaned = validate_framework(data)
    except FrameworkFileError as error:
        raise FrameworkFileError(
            problems + [p for p in error.problems if p != "name is empty" or not problems]
        ) from None
    if problems:
        raise FrameworkFileError(problems)
    return cleaned


def parse_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FrameworkFileError([f"Line {error.lineno}: the file is not valid JSON ({error.msg})"]) from error
    except RecursionError as error:  # brackets nested thousands deep: no framework looks like that
        raise FrameworkFileError(["The file is nested too deeply to be a framework: check its brackets"]) from error
    if not isinstance(data, dict):
        raise FrameworkFileError(["The file must hold one JSON object with a name and a list of themes"])
    return data


def _check_item_count(data: dict[str, Any]) -> None:
    """Refuse a framework with more than MAX_ITEMS themes, aims, outcomes and measures (counted leniently: the
    shape itself is checked later, with every problem listed)."""
    count, level_items = 0, [data]
    for key in ("themes", "aims", "outcomes", "measures"):
        children = [child for item in level_items if isinstance(item, dict) for child in _as_list(item.get(key)) or []]
        count += len(children)
        if count > MAX_ITEMS:
            raise FrameworkFileError(
                [f"The file has more than {MAX_ITEMS:,} themes, aims, outcomes and measures: split the framework"]
            )
        level_items = children


def _as_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    return list(value.values()) if isinstance(value, dict) else []


def parse_csv(text: str) -> tuple[dict[str, Any], list[str]]:
    """CSV rows (one per measure) as the JSON shape, and the problems of rows that could not be read."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [column.strip() for column in (reader.fieldnames or [])]
    missing = [column for column in CSV_COLUMNS if column not in header]
    if missing:
        raise FrameworkFileError(
            [f"Line 1: the file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"]
        )
    reader.fieldnames = header
    problems: list[str] = []
    themes: dict[str, dict] = {}
    try:
        for row in reader:
            _add_csv_row(themes, row, reader.line_num, problems)
    except csv.Error as error:
        problems.append(f"Line {reader.line_num}: {error}")
    if not themes and not problems:
        raise FrameworkFileError(["The file has no rows of measures"])
    return {"name": "", "themes": [_csv_tree(theme) for theme in themes.values()]}, problems


def _add_csv_row(themes: dict[str, dict], row: dict, line: int, problems: list[str]) -> None:
    values = {column: (row.get(column) or "").strip() for column in CSV_COLUMNS}
    row_problems = [f"Line {line}: {column} is empty" for column in ("theme", "aim", "outcome") if not values[column]]
    measure_values = [values[column] for column in ("current_position", "target", "timescale", "lead")]
    if not values["measure"] and any(measure_values):
        row_problems.append(f"Line {line}: measure is empty")
    if row_problems:
        problems.extend(row_problems)
        return
    theme = themes.setdefault(values["theme"], {"title": values["theme"], "aims": {}, "line": line})
    aim = theme["aims"].setdefault(values["aim"], {"title": values["aim"], "outcomes": {}, "line": line})
    outcome = aim["outcomes"].setdefault(
        values["outcome"], {"title": values["outcome"], "ecm": [], "measures": [], "line": line}
    )
    for code in filter(None, (part.strip() for part in values["ecm_outcomes"].split(";"))):
        if code not in outcome["ecm"]:
            outcome["ecm"].append(code)
    if values["measure"]:  # a row without a measure names an outcome that has none yet
        measure = {key: values[key] for key in MEASURE_TEXT_LIMITS}
        measure.update({key: (row.get(key) or "").strip() for key in OPTIONAL_MEASURE_COLUMNS if row.get(key)})
        measure["title"] = values["measure"]
        measure["line"] = line
        outcome["measures"].append(measure)


def _csv_tree(theme: dict) -> dict:
    return {
        "title": theme["title"],
        "line": theme["line"],
        "aims": [
            {
                "title": aim["title"],
                "line": aim["line"],
                "outcomes": [
                    {
                        "title": outcome["title"],
                        "line": outcome["line"],
                        "ecm_outcomes": outcome["ecm"],
                        "measures": _unique_codes(outcome["measures"]),
                    }
                    for outcome in aim["outcomes"].values()
                ],
            }
            for aim in theme["aims"].values()
        ],
    }


def _unique_codes(measures: list[dict]) -> list[dict]:
    """Give CSV measures codes from their titles, numbering repeats so siblings stay distinct."""
    seen: dict[str, int] = {}
    for measure in measures:
        code = slugify(measure["title"])
        seen[code] = seen.get(code, 0) + 1
        measure["code"] = code if seen[code] == 1 else f"{code[: CODE_LIMIT - 4]}-{seen[code]}"
    return measures


# Checking the data --------------------------------------------------------------------------------------------


def validate_framework(data: Any) -> dict[str, Any]:
    """Check framework data (the JSON shape) and return it cleaned; raise :class:`FrameworkFileError` if not."""
    if not isinstance(data, dict):
        raise FrameworkFileError(["The file must hold one JSON object with a name and a list of themes"])
    problems: list[str] = []
    name = _text(data.get("name"), "name", NAME_LIMIT, problems, required=True)
    cross_cutting = _cross_cutting(data.get("cross_cutting", []), problems)
    ecm = sorted(terms_by_code("ecm_outcome").values(), key=lambda term: term.position)
    themes = _children(data.get("themes"), "themes", "theme", problems, [term.code for term in ecm])
    if problems:
        raise FrameworkFileError(problems)
    return {"name": name, "cross_cutting": cross_cutting, "themes": themes}


def _outcome_key(text: str) -> str:
    """ "Be healthy", "be-healthy", "BE HEALTHY." and "Achieve economic wellbeing" read alike: case, spaces,
    hyphens, punctuation and "&" for "and" are set aside, since spreadsheets spell outcomes every way."""
    return re.sub(r"[^a-z0-9]", "", text.lower().replace("&", "and"))


def _ecm_names() -> dict[str, str]:
    """Every way of naming an ECM outcome (its label or its code, loosely) → its code."""
    names: dict[str, str] = {}
    for term in terms_by_code("ecm_outcome").values():
        names[_outcome_key(term.label)] = term.code
        names[_outcome_key(term.code)] = term.code
    return names


def _at(path: str, item: dict, field: str, level: str) -> str:
    """Where a field is: ``Line 5: measure`` for CSV rows, ``themes[0].aims[1].title`` for JSON."""
    if "line" in item:
        return f"Line {item['line']}: {level if field == 'title' else field}"
    return f"{path}.{field}"


def _text(value: Any, at: str, limit: int, problems: list[str], *, required: bool = False) -> str:
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.append(f"{at} must be text")
        return ""
    text = str(value).strip()
    if required and not text:
        problems.append(f"{at} is empty")
    elif len(text) > limit:
        problems.append(f"{at} must be {limit} characters or fewer (it has {len(text)})")
    return text


def _cross_cutting(value: Any, problems: list[str]) -> list[str]:
    if not isinstance(value, list):
        problems.append("cross_cutting must be a list of priorities")
        return []
    priorities = [
        _text(item, f"cross_cutting[{index}]", CROSS_CUTTING_LIMIT, problems) for index, item in enumerate(value)
    ]
    return [priority for priority in priorities if priority]


def _children(value: Any, path: str, level: str, problems: list[str], ecm_codes: Any) -> list[dict]:
    if value is None and level == "measure":
        return []  # an outcome may have no measures yet
    if not isinstance(value, list) or (not value and level != "measure"):
        problems.append(f"{path} must be a list with at least one {level}")
        return []
    items, codes = [], set()
    for index, item in enumerate(value):
        cleaned = _node(item, f"{path}[{index}]", level, problems, ecm_codes)
        if cleaned is None:
            continue
        if cleaned["code"] in codes:
            problems.append(
                f"{_at(f'{path}[{index}]', item, 'code', level)}: the {level} code {cleaned['code']} is used twice"
            )
        codes.add(cleaned["code"])
        items.append(cleaned)
    return items


def _node(item: Any, path: str, level: str, problems: list[str], ecm_codes: Any) -> dict | None:
    if not isinstance(item, dict):
        problems.append(f"{path}: each {level} must be an object with a title")
        return None
    title = _text(item.get("title"), _at(path, item, "title", level), TITLE_LIMITS[level], problems, required=True)
    code = _text(item.get("code"), _at(path, item, "code", level), CODE_LIMIT, problems) or slugify(title)
    cleaned: dict[str, Any] = {"code": code, "title": title}
    if level == "measure":
        for key, limit in MEASURE_TEXT_LIMITS.items():
            cleaned[key] = _text(item.get(key), _at(path, item, key, level), limit, problems)
        cleaned.update(_measure_details(item, cleaned, lambda key: _at(path, item, key, level), problems))
        return cleaned
    if level == "outcome":
        at = _at(path, item, "ecm_outcomes", level)
        cleaned["ecm_outcomes"] = _ecm_outcomes(item.get("ecm_outcomes", []), at, problems, ecm_codes)
    if level == "theme":
        cleaned["key_actions"] = _key_actions(item.get("key_actions", []), f"{path}.key_actions", problems)
    key, child_level = CHILDREN[level]
    cleaned[key] = _children(item.get(key), f"{path}.{key}", child_level, problems, ecm_codes)
    return cleaned


def _key_actions(value: Any, at: str, problems: list[str]) -> list[str]:
    if not isinstance(value, list):
        problems.append(f"{at} must be a list of key actions")
        return []
    actions = [_text(action, f"{at}[{index}]", KEY_ACTION_LIMIT, problems) for index, action in enumerate(value)]
    return [action for action in actions if action]


def _reading(item: dict, key: str, fallback: str, at: Any, problems: list[str]) -> Any:
    """A strictly checked label under ``key``, or else the prose ``fallback`` if it reads as a value or state."""
    label = item.get(key)
    if label not in (None, ""):
        try:
            return read_reading(str(label))
        except LabelError as error:
            problems.append(f"{at(key)}: {error}")
            return None
    try:
        return read_reading(fallback)
    except LabelError:
        return None  # prose such as "In top 25% of local authorities": kept as words, not rated


def _checked(item: dict, key: str, reader: Any, at: Any, problems: list[str]) -> Any:
    label = item.get(key)
    if label in (None, ""):
        return reader("")
    try:
        return reader(str(label))
    except LabelError as error:
        problems.append(f"{at(key)}: {error}")
        return reader("")


def _measure_details(item: dict, cleaned: dict, at: Any, problems: list[str]) -> dict[str, Any]:
    """The structured fields of a measure (see the module docstring)."""
    details: dict[str, Any] = {
        key: _text(item.get(key), at(key), limit, problems) for key, limit in MEASURE_DETAIL_LIMITS.items()
    }
    details["direction"] = _checked(item, "direction", read_direction, at, problems)
    details["frequency"] = _checked(item, "frequency", read_frequency, at, problems)
    details["baseline_period"] = _checked(item, "baseline_period", read_period, at, problems)
    details["target_period"] = _checked(item, "target_period", read_period, at, problems)
    details["tolerance"] = _checked(
        item, "tolerance", lambda text: read_number(text.rstrip("%").strip()) if text else None, at, problems
    )
    baseline = _reading(item, "baseline", cleaned["current_position"], at, problems)
    target = _reading(item, "target_value", cleaned["target"], at, problems)
    details["baseline"] = str(item.get("baseline") or "")  # kept so cleaned data validates again the same
    details["baseline_value"] = baseline.value if baseline else None
    details["baseline_state"] = baseline.state if baseline else ""
    details["baseline_available_from"] = baseline.available_from if baseline else ""
    details["target_value"] = target.value if target else None
    details["target_state"] = target.state if target else ""
    if not details["target_reference"] and target and target.note:
        details["target_reference"] = target.note[:200]
    if not details["unit"]:
        details["unit"] = (target.unit if target and target.unit else baseline.unit if baseline else "")[:40]
    if not details["direction"]:
        details["direction"] = infer_direction(details["baseline_value"], details["target_value"])
    return details


def _ecm_outcomes(value: Any, at: str, problems: list[str], ecm_codes: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        problems.append(f"{at} must be a list of Every Child Matters outcome codes")
        return []
    names = _ecm_names()
    value = [names.get(_outcome_key(code), code.strip()) for code in value]
    unknown = [code for code in value if code not in ecm_codes]
    if unknown:
        problems.append(_unknown_outcomes(unknown, at, ecm_codes))
    return list(dict.fromkeys(code for code in value if code in ecm_codes))


def _unknown_outcomes(unknown: list[str], at: str, ecm_codes: Any) -> str:
    """Someone who wrote labels ("Be happy") is told the labels; someone who wrote codes, the codes."""
    plural = "s" if len(unknown) > 1 else ""
    if any(re.search(r"[A-Z\s]", name) for name in unknown):
        labels = [term.label for term in sorted(terms_by_code("ecm_outcome").values(), key=lambda t: t.position)]
        quoted = ", ".join(f"“{name}”" for name in unknown)
        return f"{at}: unknown Every Child Matters outcome{plural} {quoted} (write {', '.join(labels)}, or their codes)"
    return f"{at}: unknown Every Child Matters outcome code{plural} {', '.join(unknown)} (use {', '.join(ecm_codes)})"
