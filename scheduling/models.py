"""Schedule rules, breaks and availability exceptions."""
