"""Reading a partner workspace: YAML and CSV with positions, validated into domain models."""
