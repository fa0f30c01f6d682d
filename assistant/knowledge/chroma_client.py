"""The Chroma client the knowledge base and the operations commands share: embedded by default, a server when
configured (with its bearer token), never sending telemetry (nothing leaves the machine by default)."""

from __future__ import annotations

from typing import Any

from assistant.core.settings import Settings


def make_client(settings: Settings) -> Any:
    """A Chroma client: embedded by default, a Chroma server when ``chroma_mode == "http"``."""
    import chromadb

    chroma_settings = chromadb.Settings(anonymized_telemetry=False)
    if settings.chroma_mode == "http":
        token = settings.chroma_auth_token  # sent as "Authorization: Bearer <token>"
        if token:
            chroma_settings = chromadb.Settings(
                anonymized_telemetry=False,
                chroma_client_auth_provider="chromadb.auth.token_authn.TokenAuthClientProvider",
                chroma_client_auth_credentials=token,
            )
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
