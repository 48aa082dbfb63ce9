"""The town's smartphone classes for residents: finding classes a question asks for, the
replies about them (schedule, booking, cancelling) and the day-before reminders."""
