"""The Gradio web UI, mounted at ``/`` by ``assistant.server.create_app``.

Only this package imports gradio; it talks to the core solely through the one
``assistant.service.Service`` object, so the UI adds no business rules of its own.
"""
