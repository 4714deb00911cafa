"""Policy as data: guideline packs, QC profiles, the PII catalogue and the check list."""
