"""`make bench`: seeds databases at 320, 1,900 and 8,000 agencies and measures reads, analytics, the
workbook and page renders, each beside its floor measured in the same run (docs/PERFORMANCE.md).

May import: anything (it is a command line, like `__main__.py`).
"""
