"""What the applicant hands in: the video outline and the whole package the notice asks for.

``outline`` plans a five-minute video from the application's parts (offline from the text, or
written by a model) and ``outline_docx`` prints it for the filming team; ``bundle`` assembles the
zip named after the case — the editable Word file, the PDF to seal, the 宣传推广材料, the pictures
in the template's order with the flow diagram first, the video — and ``checklist`` writes
材料清单.txt: what is in, and what must still be added by hand.
"""
