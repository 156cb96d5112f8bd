"""bronvast: document-grounded answers with citations, on your own hardware."""

from bronvast import offline  # noqa: F401  (must run before any model or UI library is imported)
