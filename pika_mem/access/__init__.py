"""Who may call: API keys, rate limits, the one-round-trip admission check."""
