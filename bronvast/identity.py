"""Who is calling: the callers bronvast knows without an identity configuration.

The command line runs as the machine's own user, who owns the data dir and may read it anyway: it may add and
delete documents, and sees what anonymous callers see (public documents, and restricted ones whose restriction has
ended) unless `--as USER` names a configured user.
"""

from __future__ import annotations

from bronvast.schema import Caller

LOCAL_OPERATOR = Caller(name="lokale gebruiker", groups=(), roles=("ingest", "delete"))
