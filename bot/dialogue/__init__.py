"""What the resident receives, whatever the channel: the reply to a question or a button, and
what one conversation turn keeps. LINE, ``bot ask`` and ``bot chat`` all speak through here."""
