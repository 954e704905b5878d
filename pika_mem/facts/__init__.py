"""Facts: the fact model, PII masking, supersession, extraction (rules)."""
