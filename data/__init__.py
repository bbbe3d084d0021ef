"""Persistence only: the database models, Alembic migrations, repository reads, backup and restore, the
engine, sessions and settings (the one place the database URL is read).

May import: `survey` only (response states, the clock). Never `analytics` or `usecases`.
(`__main__.py`, the command line, may import anything.)
"""
