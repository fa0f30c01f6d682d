"""Running the product where a bureau runs it: the health check (``doctor``), backup and restore, and the
offline install bundle.

Modules, one job each: ``checks_system`` and ``checks_data`` probe one thing each and say how to fix it,
``doctor`` runs them and reports in Chinese; ``manifest`` describes a backup, ``fingerprint`` counts and
hashes tables and files, ``datadir`` sorts the data directory into database, index, cache and files,
``vectors`` exports and imports the Chroma collections, ``postgres`` wraps pg_dump/pg_restore, ``backup``
and ``restore`` put these together; ``bundle`` and ``debs`` build the offline install archive.
"""
