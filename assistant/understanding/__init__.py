"""What applicants mean: one typed reading of each chat turn, and the elements an answer holds.

Learned from labelled examples (a linear classifier over the shipped e5 vectors and character n-grams,
weights in ``knowledge/understanding/models``), with rules kept only where they measurably win
(figures, part names, quoted text: ``knowledge/understanding/rules.yaml``).
"""
