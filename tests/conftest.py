"""Shared fixtures: the shipped catalogue and one small demo database per test session."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from data import repository
from data.db import make_engine, session_scope
from data.demo import DemoSpec, seed_demo
from data.migrate import upgrade
from survey.catalogue import Catalogue, default_catalogue
from survey.targets import Target, load_targets

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True)
class DemoFrames:
    url: str
    frame: pd.DataFrame
    responses: pd.DataFrame
    services: pd.DataFrame
    answers: pd.DataFrame


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return default_catalogue()


@pytest.fixture(scope="session")
def targets(catalogue: Catalogue) -> tuple[Target, ...]:
    return load_targets(catalogue)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> DemoFrames:
    """Seed a demo database with 120 agencies (five cycles) in a temporary file and read its frames."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    seed_demo(engine, catalogue, DemoSpec(agencies=120))
    with session_scope(engine) as session:
        frames = DemoFrames(url, repository.frame(session), repository.responses(session),
                            repository.services(session), repository.answers(session))
    engine.dispose()
    return frames
