"""The tests, by level: unit/, integration/, e2e/; what they share is in support/."""
