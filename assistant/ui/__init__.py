"""The Gradio UI: a thin face over the Application (assistant/application.py), one module per tab, Dutch labels
with an English switch (labels.py)."""

from __future__ import annotations

import gradio as gr

from assistant.application import Application
from assistant.ui.chat import build_chat_tab
from assistant.ui.documents import build_documents_tab
from assistant.ui.evaluation import build_evaluation_tab
from assistant.ui.labels import DUTCH, LANGUAGES, word
from assistant.ui.objections import build_objections_tab
from assistant.ui.shared import Identify, Translation


def collection_names(app: Application) -> list[str]:
    return app.collections() or [app.settings.collection]


def build_ui(app: Application, identify: Identify | None = None) -> gr.Blocks:
    """`identify`: who a call comes from (the logged-in user, assistant/auth.py Gate.ui_caller; AccessDenied for
    nobody); None: every call is the application's own caller."""
    words = Translation()
    # Uploaded letters and their exports hold personal data: Gradio removes its copies after an hour.
    with gr.Blocks(title="bronvast", analytics_enabled=False, delete_cache=(3600, 3600)) as ui:
        with gr.Row():
            words.add(gr.Markdown(word(DUTCH, "intro")), "intro", "value")
            language = words.add(gr.Radio(list(LANGUAGES), value=DUTCH, label=word(DUTCH, "language"),
                                          elem_id="taal"), "language")
        collection = words.add(gr.Dropdown(choices=collection_names(app), value=app.settings.collection,
                                           label=word(DUTCH, "collection"), allow_custom_value=True,
                                           elem_id="collectie"), "collection")
        with words.add(gr.Tab(word(DUTCH, "tab_ask"), elem_id="tab-vragen"), "tab_ask"):
            build_chat_tab(app, identify, collection, language, words)
        with words.add(gr.Tab(word(DUTCH, "tab_documents"), elem_id="tab-documenten"), "tab_documents") as documents:
            build_documents_tab(app, identify, collection, documents, words)
        with words.add(gr.Tab(word(DUTCH, "tab_objections"), elem_id="tab-bezwaren"), "tab_objections"):
            build_objections_tab(app)
        with words.add(gr.Tab(word(DUTCH, "tab_evaluation"), elem_id="tab-evaluatie"), "tab_evaluation") as evaluation:
            build_evaluation_tab(app, identify, collection, evaluation, words)
        language.change(words.updates, [language, *words.tables], words.components, api_visibility="private")
    return ui
