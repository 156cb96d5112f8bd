"""Objection letters (bezwaarschriften) for municipal lawyers: each letter read into a file card (LetterCard), its
Awb deadline checked, and the grounds of a dossier clustered. The tool prepares; the lawyer decides."""
