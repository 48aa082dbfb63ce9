"""LINE chatbot that answers residents' questions about the My Number card, online procedures
and the town's smartphone classes from FAQ files that staff edit.

The parts, in layers; a module imports only from its own layer or the ones below it
(``tests/test_layers.py`` checks this, and that no imports go round in a cycle):

0. ``errors``, ``clock``, ``line_limits``, ``privacy``, ``cells``, ``config``, ``user_ids``, ``storage`` —
   small pieces any part may use: the named errors, Japan time, what LINE accepts, masking and
   the resident hash, spreadsheet cells that never run as formulas, settings, the sealed LINE
   ids, the database;
1. ``content`` — the FAQ files staff edit, their model, the Excel round trip, the class schedule;
2. ``engine`` — reading a question and finding the entry it means (no Flask, no database);
3. ``classes``, ``dialogue`` — what the resident receives on any channel, classes included;
4. ``line``, ``staff`` — the LINE service and the staff tools;
5. ``web``, ``cli`` — the entry points: the Flask app gunicorn serves, and the ``bot`` command.
"""

__version__ = "0.2.0"
