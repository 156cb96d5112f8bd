"""Evaluation datasets: JSONL, one case per line, validated against `Case` (JSON Schema: eval/case.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

SCHEMA_FILE = Path(__file__).with_name("case.schema.json")


class DatasetError(Exception):
    """A dataset line that cannot be used; the message names file, line and field."""


class Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str = Field(min_length=1, description="File name of the source document, as cited (e.g. nota.pdf)")
    page: int | None = Field(default=None, ge=1, description="1-based page; null: anywhere in the file")


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid", title="bronvast evaluation case")
    id: str = Field(min_length=1, description="Unique within the dataset")
    question: str = Field(min_length=1, description="Asked as a user would")
    reference_answer: str | None = Field(default=None, description="The correct answer, for the answer metrics")
    answerable: bool = Field(default=True, description="false: the corpus does not hold the answer; must refuse")
    gold: list[Gold] = Field(default=[], description="Where the answer stands; empty for unanswerable cases")
    must_contain: list[str | list[str]] = Field(
        default=[], description="The facts a right answer contains: each item a phrase, or a list of phrases any of "
        "which will do (compared as words, without case, accents and punctuation)")
    without_sources: list[str] = Field(
        default=[], description="File names left out of the search (not out of the index) for this question")
    tags: list[str] = Field(default=[], description="For the per-tag breakdown")

    @field_validator("gold")
    @classmethod
    def unanswerable_has_no_gold(cls, gold: list[Gold], info: ValidationInfo) -> list[Gold]:
        if gold and info.data.get("answerable") is False:
            raise ValueError("een onbeantwoordbare case (answerable: false) heeft geen gold-bronnen")
        return gold

    @field_validator("must_contain")
    @classmethod
    def facts_of_an_answer(cls, facts: list[str | list[str]], info: ValidationInfo) -> list[str | list[str]]:
        if facts and info.data.get("answerable") is False:
            raise ValueError("een onbeantwoordbare case (answerable: false) heeft geen must_contain")
        if any(not (fact if isinstance(fact, str) else fact and all(fact)) for fact in facts):
            raise ValueError("een feit is een niet-lege tekst of een niet-lege lijst van niet-lege teksten")
        return facts


def with_gold_left_out(cases: list[Case]) -> list[Case]:
    """The cases and, after each answerable one with gold, the same question with its gold files left out of the
    search: unanswerable as far as the search goes (a neighbouring document may still answer it: a noisy label),
    so any answerable set yields unanswerable cases of its own kind, tagged "zonder-gold"."""
    expanded = []
    for case in cases:
        expanded.append(case)
        if case.answerable and case.gold:
            expanded.append(Case(
                id=f"{case.id}-zonder-gold", question=case.question, answerable=False,
                without_sources=list(dict.fromkeys(g.source for g in case.gold)), tags=[*case.tags, "zonder-gold"],
            ))
    return expanded


def schema() -> dict:
    return Case.model_json_schema()


def load_cases(path: Path) -> list[Case]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise DatasetError(f"{path}: bestand niet gevonden") from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise DatasetError(f"{path}: geen JSONL-tekstbestand ({exc.__class__.__name__})") from None
    cases: list[Case] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        case = parse_line(path, number, line)
        if case.id in first_line:
            raise DatasetError(f"{path}:{number}: veld 'id': '{case.id}' staat al op regel {first_line[case.id]}")
        first_line[case.id] = number
        cases.append(case)
    if not cases:
        raise DatasetError(f"{path}: bevat geen cases")
    return cases


def parse_line(path: Path, number: int, line: str) -> Case:
    try:
        return Case.model_validate(json.loads(line))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}:{number}: geen geldige JSON ({exc.msg}, kolom {exc.colno})") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(case)"
        message = err["msg"].removeprefix("Value error, ")
        raise DatasetError(f"{path}:{number}: veld '{field}': {message}") from None
