"""Pure computations: DataFrames and the instrument in, DataFrames out; no database, no Streamlit, no rounding.

Indicators from answers, the composite index and its uncertainty, online-service ratios, targets and
trajectories, adoption, quality flags, peers, crosswalks, the per-cycle pipeline, and the executive
workbook's tables.

May import: `survey` only. (`__main__.py`, the command line, may import anything.)
"""
