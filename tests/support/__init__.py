"""Shared test support: code the tests give the product through its hooks."""
