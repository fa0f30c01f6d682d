"""Storage of an application's media rows and its flow diagram (the bytes are kept by ``assistant.media.files``).

One row per slot (``image:1`` … ``image:5``, ``video``): storing into a taken slot replaces the
row in the same transaction and hands back the old file's name, so the caller removes it.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager

from pydantic import BaseModel
from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from assistant.store.json_object import JsonObject
from assistant.store.rows import inserted_id, now_iso
from assistant.store.schema import flow_graphs, media_files


class MediaRow(BaseModel):
    id: int
    application_id: int
    slot: str
    filename: str
    stored_name: str
    size: int
    facts: JsonObject
    generated: bool
    created_at: str


def _row(r: RowMapping) -> MediaRow:
    return MediaRow(
        id=r["id"], application_id=r["application_id"], slot=r["slot"], filename=r["filename"],
        stored_name=r["stored_name"], size=r["size"], facts=json.loads(r["facts_json"]),
        generated=bool(r["generated"]), created_at=r["created_at"],
    )


class MediaRecords:
    """Mixed into ``Store``: ``_tx`` is its transaction helper."""

    def _tx(self, *, write: bool = False) -> AbstractContextManager[Connection]:  # pragma: no cover - see Store
        raise NotImplementedError

    def put_media(
        self,
        app_id: int,
        slot: str,
        filename: str,
        stored_name: str,
        size: int,
        facts: JsonObject,
        generated: bool = False,
    ) -> tuple[int, str | None]:
        """(the new row's id, the stored name of the file it replaced or None)."""
        with self._tx(write=True) as conn:
            old = conn.execute(
                select(media_files.c.id, media_files.c.stored_name).where(
                    media_files.c.application_id == app_id, media_files.c.slot == slot
                )
            ).first()
            if old:
                conn.execute(delete(media_files).where(media_files.c.id == old.id))
            result = conn.execute(
                insert(media_files).values(
                    application_id=app_id, slot=slot, filename=filename, stored_name=stored_name, size=size,
                    facts_json=json.dumps(facts, ensure_ascii=False), generated=int(generated), created_at=now_iso(),
                )
            )
            return inserted_id(result), (old.stored_name if old else None)

    def media(self, app_id: int) -> list[MediaRow]:
        query = select(media_files).where(media_files.c.application_id == app_id).order_by(media_files.c.slot)
        with self._tx() as conn:
            return [_row(r) for r in conn.execute(query).mappings().all()]

    def media_item(self, app_id: int, media_id: int) -> MediaRow | None:
        query = select(media_files).where(media_files.c.application_id == app_id, media_files.c.id == media_id)
        with self._tx() as conn:
            row = conn.execute(query).mappings().first()
        return _row(row) if row else None

    def delete_media(self, app_id: int, media_id: int) -> str | None:
        """Remove a row; the stored name of its file (None when there was no such row)."""
        with self._tx(write=True) as conn:
            row = conn.execute(
                select(media_files.c.stored_name).where(
                    media_files.c.application_id == app_id, media_files.c.id == media_id
                )
            ).first()
            if row is None:
                return None
            conn.execute(delete(media_files).where(media_files.c.id == media_id))
            stored_name: str = row.stored_name
            return stored_name

    def flow_graph(self, app_id: int) -> JsonObject | None:
        with self._tx() as conn:
            value = conn.execute(
                select(flow_graphs.c.graph_json).where(flow_graphs.c.application_id == app_id)
            ).scalar()
        return json.loads(value) if value else None

    def put_flow_graph(self, app_id: int, graph: JsonObject) -> None:
        now, data = now_iso(), json.dumps(graph, ensure_ascii=False)
        with self._tx(write=True) as conn:
            found = conn.execute(
                select(flow_graphs.c.application_id).where(flow_graphs.c.application_id == app_id)
            ).first()
            if found:
                conn.execute(
                    update(flow_graphs).where(flow_graphs.c.application_id == app_id)
                    .values(graph_json=data, updated_at=now)
                )
            else:
                conn.execute(insert(flow_graphs).values(application_id=app_id, graph_json=data, updated_at=now))
