"""Pure models and protocols of Charter: no I/O library is imported here."""
