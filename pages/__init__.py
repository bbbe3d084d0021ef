"""Layout only: each page asks who reads it (`page_principal`), calls a use case or a view, and draws the result.

Private modules (`_session`, `_auth`, `_dashboard`, `_form`, ...) hold the Streamlit state and widgets
the pages share. No arithmetic, no SQL, no pandas here.

May import: `usecases` and `survey` (texts, formats). Never `data` or `analytics`. Nothing imports `pages`
except `app.py`.
"""
