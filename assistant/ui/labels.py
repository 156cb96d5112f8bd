"""The UI's words in Dutch (the default) and English: one table, so the language switch changes every label."""

from __future__ import annotations

DUTCH, ENGLISH = "Nederlands", "English"
LANGUAGES = (DUTCH, ENGLISH)

WORDS: dict[str, tuple[str, str]] = {  # key -> (Dutch, English)
    "intro": ("# bronvast\nVragen over uw documenten, beantwoord met bronvermelding. Alles draait lokaal.",
              "# bronvast\nQuestions about your documents, answered with their sources. Everything runs locally."),
    "language": ("Taal", "Language"),
    "collection": ("Collectie", "Collection"),
    # Vragen
    "tab_ask": ("Vragen", "Ask"),
    "conversation": ("Gesprek", "Conversation"),
    "question": ("Vraag", "Question"),
    "question_placeholder": ("Stel uw vraag…", "Ask your question…"),
    "kinds": ("Documentsoort", "Document type"),
    "after": ("Vanaf datum (JJJJ-MM-DD)", "From date (YYYY-MM-DD)"),
    "before": ("Tot en met datum (JJJJ-MM-DD)", "Until date (YYYY-MM-DD)"),
    "sources": ("Bronnen van het laatste antwoord: klik op een bron om haar te openen",
                "Sources of the last answer: click a source to open it"),
    "source_page": ("Bronpagina", "Source page"),
    "comment": ("Opmerking bij uw beoordeling (👍/👎 onder een antwoord)",
                "Comment on your rating (👍/👎 under an answer)"),
    "sources_heading": ("**Bronnen**", "**Sources**"),
    "draft_heading": ("**Gegenereerd antwoord (nog niet gecontroleerd):**", "**Generated answer (not yet checked):**"),
    "unsupported_legend": ("⚠ = niet gestaafd door de geciteerde bron", "⚠ = not supported by the cited source"),
    "page": ("pagina", "page"),
    "feedback_saved": ("Bedankt: uw beoordeling is bewaard.", "Thank you: your rating was saved."),
    "feedback_nothing": ("Bij dit bericht hoort geen antwoord om te beoordelen.",
                         "This message has no answer to rate."),
    # Documenten
    "tab_documents": ("Documenten", "Documents"),
    "files": ("Bestanden (PDF, DOCX, ODT, HTML, TXT, Markdown, e-mail, MDTO/TMLO-XML)",
              "Files (PDF, DOCX, ODT, HTML, TXT, Markdown, e-mail, MDTO/TMLO-XML)"),
    "index": ("Indexeren", "Index"),
    "ingest_result": ("Resultaat van het indexeren", "Indexing result"),
    "document_list": ("Documenten in de collectie", "Documents in the collection"),
    "refresh": ("Vernieuwen", "Refresh"),
    "delete_choice": ("Document om te verwijderen", "Document to delete"),
    "delete": ("Verwijderen", "Delete"),
    "collections": ("Collecties", "Collections"),
    # Bezwaren
    "tab_objections": ("Bezwaren", "Objections"),
    # Evaluatie
    "tab_evaluation": ("Evaluatie", "Evaluation"),
    "dataset": ("Evaluatieset", "Evaluation set"),
    "dataset_upload": ("Of upload een evaluatieset (JSONL)", "Or upload an evaluation set (JSONL)"),
    "run": ("Evaluatie starten", "Run evaluation"),
    "metrics": ("Uitkomsten", "Results"),
    "report": ("Rapport (HTML)", "Report (HTML)"),
    "report_inline": ("Rapport bekijken", "View the report"),
    "runs": ("Eerdere runs", "Earlier runs"),
    "run_a": ("Run A (de basis)", "Run A (the baseline)"),
    "run_b": ("Run B (de wijziging)", "Run B (the change)"),
    "compare": ("Vergelijken", "Compare"),
    "comparison": ("Vergelijking (B − A)", "Comparison (B − A)"),
    "export_feedback": ("Beoordelingen exporteren als evaluatieset", "Export ratings as an evaluation set"),
    "feedback_file": ("Beoordelingen als evaluatiecases (JSONL)", "Ratings as evaluation cases (JSONL)"),
}

HEADERS: dict[str, tuple[list[str], list[str]]] = {  # a table's column names in Dutch and English
    "sources": (["Nr.", "Bestand", "Pagina", "Passage"], ["No.", "File", "Page", "Passage"]),
    "documents": (["Bestand", "Soort", "Datum", "Chunks", "Toegang", "Geïndexeerd", "Ook als"],
                  ["File", "Type", "Date", "Chunks", "Access", "Indexed", "Also as"]),
    "ingest": (["Bestand", "Status", "Chunks", "Persoonsgegevens", "Reden"],
               ["File", "Status", "Chunks", "Personal data", "Reason"]),
    "collections": (["Collectie", "Documenten"], ["Collection", "Documents"]),
    "metrics": (["Groep", "Metriek", "Waarde", "95%-interval", "n"], ["Group", "Metric", "Value", "95% interval", "n"]),
    "runs": (["Run", "Evaluatieset", "Collectie", "Gestart", "Kerncijfers"],
             ["Run", "Evaluation set", "Collection", "Started", "Headline figures"]),
    "comparison": (["Metriek", "A", "B", "Verschil", "p", "Oordeel"],
                   ["Metric", "A", "B", "Difference", "p", "Verdict"]),
}


def word(language: str, key: str) -> str:
    return WORDS[key][language == ENGLISH]


def headers(language: str, table: str) -> list[str]:
    return HEADERS[table][language == ENGLISH]
