"""Renderers: turn an ``AuditReport`` (or its ``charter.audit/v1`` document) into a format."""
