"""Reading a resident's question and finding the FAQ entry it means.

Text folding (:mod:`.textnorm`), words and readings (:mod:`.analysis`), residents' words folded
onto staff words (:mod:`.lexicon`), scoring (:mod:`.matcher`), greetings (:mod:`.smalltalk`) and
measuring it all on labelled questions (:mod:`.evaluation`). Pure functions over the loaded FAQ:
no Flask, no database.
"""
