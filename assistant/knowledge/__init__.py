"""Knowledge base: bundled corpus, ingestion, embeddings, hybrid retrieval and staff Q&A.

The entry point is ``assistant.knowledge.search.KnowledgeBase``.
"""
