"""Reading a partner workspace: YAML and CSV with positions, validated into domain models."""

from charter.workspace.loader import load_workspace

__all__ = ["load_workspace"]
