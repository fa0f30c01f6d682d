"""Build the collaborators (store, knowledge base, drafter) from settings.

Entry points (CLI, app factory) call these; tests build collaborators directly and
pass them in, so nothing here is needed to test the core.
"""

from __future__ import annotations

from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.protocol import Drafter


def build_drafter(settings: Settings) -> Drafter:
    """The model-backed drafter when a model is configured, otherwise the offline one."""
    if settings.llm_configured:
        from assistant.drafting.model.drafter import ModelDrafter
        from assistant.llm.client import build_chat_model

        chat_model = build_chat_model(settings)
        if chat_model is not None:
            return ModelDrafter(chat_model, settings)
    return OfflineDrafter()


def open_knowledge(settings: Settings, prepare: bool = False, progress: bool = False):
    """Open the knowledge base; with ``prepare`` index the bundled corpus if missing."""
    from assistant.knowledge import KnowledgeBase

    knowledge = KnowledgeBase.open(settings)
    if prepare:
        knowledge.ensure_bundled_corpus(progress=progress)
    return knowledge


def build_service(settings: Settings, *, prepare_knowledge: bool = True, progress: bool = False):
    """Everything the app needs, from settings: store, knowledge base, drafter, chat model."""
    from assistant.service.service import Service
    from assistant.store.sqlite import Store

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(settings.sqlite_path)
    knowledge = open_knowledge(settings, prepare=prepare_knowledge, progress=progress)
    chat_model = None
    if settings.llm_configured:
        from assistant.llm.client import build_chat_model

        chat_model = build_chat_model(settings)
    return Service(settings, store, build_drafter(settings), knowledge=knowledge, chat_model=chat_model)
