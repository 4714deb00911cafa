"""Reading YAML and CSV while keeping the source position of every value."""

from charter.sourcefiles.csv_source import read_csv_rows
from charter.sourcefiles.yaml_source import read_yaml

__all__ = ["read_csv_rows", "read_yaml"]
