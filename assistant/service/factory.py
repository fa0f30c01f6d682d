"""Build the collaborators (store, knowledge base, drafter, chat model) from settings.

Entry points (CLI, app factory) call these; tests build collaborators directly and
pass them in, so nothing here is needed to test the core.
"""

from __future__ import annotations

from assistant.core.settings import Settings
from assistant.drafting.model.drafter import ModelDrafter
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.drafting.protocol import Drafter
from assistant.knowledge.search import KnowledgeBase
from assistant.llm.chat import ChatModel
from assistant.llm.client import build_chat_model
from assistant.service.service import Service
from assistant.store.sql import Store


def build_drafter(settings: Settings, chat_model: ChatModel | None = None) -> Drafter:
    """The model-backed drafter when a model is configured, otherwise the offline one."""
    chat_model = chat_model or (build_chat_model(settings) if settings.llm_configured else None)
    if chat_model is not None:
        return ModelDrafter(chat_model, settings)
    return OfflineDrafter()


def open_knowledge(settings: Settings, prepare: bool = False, progress: bool = False) -> KnowledgeBase:
    """Open the knowledge base; with ``prepare`` index the bundled corpus if missing."""
    knowledge = KnowledgeBase.open(settings)
    if prepare:
        knowledge.ensure_bundled_corpus(progress=progress)
    return knowledge


def build_service(settings: Settings, *, prepare_knowledge: bool = True, progress: bool = False) -> Service:
    """Everything the app needs, from settings: store, knowledge base, drafter, chat model."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.from_settings(settings)
    knowledge = open_knowledge(settings, prepare=prepare_knowledge, progress=progress)
    chat_model = build_chat_model(settings) if settings.llm_configured else None
    return Service(settings, store, build_drafter(settings, chat_model), knowledge=knowledge, chat_model=chat_model)
