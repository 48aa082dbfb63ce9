"""The LINE side: the webhook, delivering replies, turning replies into LINE messages, the
Messaging API clients and the rich menu."""
