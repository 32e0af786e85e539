"""The platform under every app: configuration, database and HTTP helpers, languages."""
