"""Demo data: a generated, labelled-as-demo stand-in for Hà Giang's real district workbooks."""
