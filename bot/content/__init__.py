"""The FAQ that staff edit: the in-memory model, reading and checking the folder, writing it
back, the Excel round trip, the live copy a server answers from, and the class schedule."""
