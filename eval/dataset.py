"""Evaluation datasets: JSONL, one case per line (see README, "Evaluation dataset")."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError


class DatasetError(Exception):
    """A dataset line that cannot be used; the message names file, line and field."""


class Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str
    page: int | None = None


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    question: str
    reference_answer: str | None = None
    gold: list[Gold] = []
    answerable: bool = True
    tags: list[str] = []


def load_cases(path: Path) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(Case.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}:{number}: geen geldige JSON ({exc.msg})") from exc
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "(regel)"
            raise DatasetError(f"{path}:{number}: veld '{field}': {err['msg']}") from exc
    return cases
