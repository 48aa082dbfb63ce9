"""LINE chatbot that answers residents' questions about the My Number card, online procedures
and the town's smartphone classes from FAQ files that staff edit."""

__version__ = "0.2.0"
