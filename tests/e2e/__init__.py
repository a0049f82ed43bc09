"""Whole pipeline runs: `ntm run` / `run_pipeline`, the demo, the browser UI (`make test-e2e`)."""
