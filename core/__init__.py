"""The ground floor: what every app uses. The working-day calendar (workdays, holidays), the
reminder policy and the one daily sweep's sources (reminders), the delivery outbox and its
channels (outbox, channels), SQL the ORM cannot say (sql), jobs queued by name (queue), fragment
cache keys from shown values (rendering). It imports no app above it."""
