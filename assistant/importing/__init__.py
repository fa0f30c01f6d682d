"""Import an existing application (.docx, .pdf with a text layer, pasted text) into the template's parts.

``reader`` turns a file into blocks (paragraphs with their style, bold and numbering, and tables);
``headings`` finds the template's parts by their headings, titles and aliases (form YAML);
``meaning`` places paragraphs by meaning with the shipped e5 encoder where headings are renamed,
merged or missing; ``info_table`` reads the 申报信息表; ``mapper`` puts it together as an
:class:`~assistant.importing.models.ImportResult`; ``condense`` shortens a part offline with every
figure kept. The applicant's words are kept as they are: nothing here rewrites a sentence.
"""
