"""Fixtures, workbook factories, the dbt helper and the crash-point hooks shared by every level."""
