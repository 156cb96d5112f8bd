"""Bronvast and RemoteBronvast are one Application: the same methods with the same parameters, so a face works
with either and the remote copy cannot drift (its ingest once lacked `redact`)."""

from __future__ import annotations

import inspect

import pytest

from assistant.app import Bronvast
from assistant.application import Application
from assistant.remote import RemoteBronvast
from eval.target import EvalTarget

CONTRACT = [name for name, member in vars(Application).items() if inspect.isfunction(member) and not name.startswith("_")]


def parameters(function) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]


def test_the_contract_names_every_face_call():
    assert set(CONTRACT) == {"ingest", "documents", "delete_document", "ask", "stream", "objections", "feedback",
                             "export_feedback", "evaluate", "eval_runs", "compare_runs", "source", "status",
                             "collections", "close"}


@pytest.mark.parametrize("implementation", [Bronvast, RemoteBronvast])
@pytest.mark.parametrize("name", CONTRACT)
def test_both_applications_take_the_contracts_parameters(implementation, name):
    assert parameters(getattr(implementation, name)) == parameters(getattr(Application, name))


def test_the_local_application_is_an_evaluation_target():
    """Every call eval makes is one Bronvast takes: the target's parameters first, any more optional."""
    for name, member in vars(EvalTarget).items():
        if inspect.isfunction(member) and not name.startswith("_"):
            wanted, offered = parameters(member), parameters(getattr(Bronvast, name))
            assert offered[:len(wanted)] == wanted, name
            assert all(default is not inspect.Parameter.empty for _, default in offered[len(wanted):]), name
    assert "llm" in vars(Bronvast) and "settings" in EvalTarget.__annotations__
