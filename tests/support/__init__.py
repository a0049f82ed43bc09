"""Fixtures, workbook factories and the dbt helper shared by every level."""
