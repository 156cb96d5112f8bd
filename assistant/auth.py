"""Who is calling the REST API: the dependency every route takes (`As`).

Today one kind of caller: the holder of the token `serve` writes into the data dir (readable by its owner only: the
CLI beside a running server), who says in a header which user the command runs as.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException

from assistant.wire import CALLER, CALLER_HEADER
from bronvast.identity import LOCAL_OPERATOR
from bronvast.schema import Caller


def token_holder(x_bronvast_caller: str = Header(default="")) -> Caller:
    """Who the token's holder (the data dir's owner: the CLI beside `serve`) runs as; itself when unsaid."""
    try:
        return CALLER.validate_json(x_bronvast_caller) if x_bronvast_caller else LOCAL_OPERATOR
    except ValueError as exc:
        raise HTTPException(400, f"ongeldige {CALLER_HEADER}-kop") from exc


As = Annotated[Caller, Depends(token_holder)]
