"""Benchmarks: quality and speed figures printed side by side with the obvious alternative."""
