"""The interoperability suite: the official Connect CLI and SDK against the mock (marker ``interop``)."""
