"""The executive Excel workbook of a cycle: figures beside their method, in Thai or English.

The tables come from `analytics.workbook` (pure); the layout is here: `build` (the whole workbook),
`writer` (formats, tables and their data dictionary), `summary`, `sheets` (ministries, agencies,
gaps and actions, adoption) and `method` (data quality, methodology). xlsx bytes out.

May import: `survey`, `analytics` (it is part of `usecases`).
"""
