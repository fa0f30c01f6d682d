"""Pictures and the video of an application: type sniffed from content, checked with Pillow and ffprobe, stored.

``sniff`` says what a file is from its first bytes (never from its name); ``checks`` reads the
format, resolution, codec and duration with well-kept tools and turns them into findings;
``files`` keeps the bytes under the data directory. The rows that describe them live in the store.
"""
