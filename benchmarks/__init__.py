"""Load and performance scenarios run against a real `thidua serve` (see docs/benchmarks.md)."""
