"""The ground floor: machinery every app uses (queueing jobs, …). It imports no app above it."""
