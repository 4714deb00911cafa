"""Signed evidence packs for the platform's auditors."""
