"""Use cases of Charter: they call the domain and the ports they are given, nothing else."""
