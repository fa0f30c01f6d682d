"""The call's process between many applicants and one bureau: submission, snapshots, gates,
evidence-backed pre-scoring, the ranking board with its recommendation line, Word comments,
the 汇总表 and the audit entries.

Pure functions and models over what the service hands in (snapshots, rows, the form spec);
storage, permissions and who may do what stay in ``assistant.service.call_desk``.
"""
