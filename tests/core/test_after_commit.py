"""Work attached with ``after_commit`` runs once, after the outermost commit only, and never for a rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, create_engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from marketplace.core.after_commit import after_commit, pending_items


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "row"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def runs():
    return []


def attach(session, runs, *items, key="job"):
    after_commit(session, key, items, run=lambda collected: runs.append((key, sorted(collected))))


def test_work_runs_once_after_the_commit_with_everything_collected(session, runs):
    attach(session, runs, 1)
    attach(session, runs, 2, 3)
    assert runs == []

    session.commit()

    assert runs == [("job", [1, 2, 3])]
    session.commit()
    assert runs == [("job", [1, 2, 3])]  # done with: the next commit has nothing to run


def test_releasing_a_savepoint_is_not_a_commit(session, runs):
    session.add(Row(id=1))
    for number in (1, 2, 3):
        with session.begin_nested():
            attach(session, runs, number)
    assert runs == []
    assert pending_items(session, "job") == {1, 2, 3}

    session.commit()

    assert runs == [("job", [1, 2, 3])]


def test_a_savepoint_rolled_back_drops_only_its_own_work(session, runs):
    attach(session, runs, "before")
    session.add(Row(id=1))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        attach(session, runs, "refused")
        session.add(Row(id=1))
        session.flush()
    with session.begin_nested():
        attach(session, runs, "after")

    session.commit()

    assert runs == [("job", ["after", "before"])]


def test_a_rollback_drops_the_work(session, runs):
    attach(session, runs, 1)
    with session.begin_nested():
        attach(session, runs, 2)

    session.rollback()
    session.commit()

    assert runs == []


def test_each_key_runs_separately_and_a_failing_one_does_not_stop_the_others(session, runs, caplog):
    after_commit(session, "broken", [1], run=lambda collected: 1 / 0)
    attach(session, runs, "x", key="mail")

    session.commit()

    assert runs == [("mail", ["x"])]
    assert "After-commit work 'broken' failed" in caplog.text
