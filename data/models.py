"""Database models: organisations, cycles and their frames, responses, answers, services, audit."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from survey import clock
from survey.workflow import Status


def utcnow() -> dt.datetime:
    """Return the current moment in UTC (`survey.clock`), as every timestamp column stores it."""
    return clock.utcnow()


class AgencyType(StrEnum):
    DEPARTMENT = "department"
    PROVINCIAL_UNIT = "provincial_unit"
    STATE_ENTERPRISE = "state_enterprise"
    PUBLIC_ORGANISATION = "public_organisation"
    INDEPENDENT_ORGANISATION = "independent_organisation"
    LOCAL_ADMINISTRATION = "local_administration"
    OTHER = "other"


class Base(DeclarativeBase):
    pass


class Ministry(Base):
    __tablename__ = "ministries"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    ministry_id: Mapped[str] = mapped_column(ForeignKey("ministries.id"), index=True)
    name_th: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    agency_type: Mapped[str] = mapped_column(String(32), default=AgencyType.DEPARTMENT)
    province: Mapped[str | None] = mapped_column(String(100))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    merged_into_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    coordinator_name: Mapped[str | None] = mapped_column(String(200))
    coordinator_position: Mapped[str | None] = mapped_column(String(200))
    coordinator_phone: Mapped[str | None] = mapped_column(String(50))
    coordinator_email: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Cycle(Base):
    """A yearly survey round, keyed by the fiscal year in the Buddhist Era."""

    __tablename__ = "cycles"

    year_be: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    year_ce: Mapped[int] = mapped_column(Integer, unique=True)
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date)
    catalogue_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")


class FrameEntry(Base):
    """An agency expected to answer in a cycle, with its own deadline when extended."""

    __tablename__ = "cycle_frame"

    cycle_year: Mapped[int] = mapped_column(ForeignKey("cycles.year_be", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), primary_key=True, index=True)
    deadline: Mapped[dt.date | None] = mapped_column(Date)


class Response(Base):
    """One agency's answers for one cycle."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("cycle_year", "agency_id", name="uq_response_cycle_agency"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_year: Mapped[int] = mapped_column(ForeignKey("cycles.year_be"), index=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=Status.DRAFT)
    catalogue_version: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: Who wrote the service inventory last: "register" (an official import, counted without submission)
    #: or "respondent"; None before any inventory was written (`survey.workflow.inventory_counts`).
    inventory_source: Mapped[str | None] = mapped_column(String(16))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    services: Mapped[list[Service]] = relationship(back_populates="response", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "indicator_id", name="uq_answer_response_indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[str] = mapped_column(String(32))
    value_num: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))

    response: Mapped[Response] = relationship(back_populates="answers")


class Service(Base):
    """A key service in an agency's inventory for a cycle."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    code: Mapped[str | None] = mapped_column(String(64))
    #: Whole, however long: real registers hold names of up to about 450 characters.
    name: Mapped[str] = mapped_column(Text)
    digital_level: Mapped[int] = mapped_column(Integer)
    annual_volume: Mapped[int | None] = mapped_column(BigInteger)
    paper_required: Mapped[bool] = mapped_column(Boolean, default=True)
    uses_digital_id: Mapped[bool] = mapped_column(Boolean, default=False)
    uses_e_payment: Mapped[bool] = mapped_column(Boolean, default=False)
    uses_e_signature: Mapped[bool] = mapped_column(Boolean, default=False)
    uses_e_certificate: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The national services register's own status code, reason and project for the service (lineage).
    register_status: Mapped[str | None] = mapped_column(String(64))
    register_reason: Mapped[str | None] = mapped_column(Text)
    project: Mapped[str | None] = mapped_column(Text)
    #: Not meant to become an e-service (the register's status says so): counted, but left out of the
    #: online-share denominator.
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    response: Mapped[Response] = relationship(back_populates="services")


class AuditEntry(Base):
    """Who changed what, when, from which channel; old and new values kept as text."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_agency_at", "agency_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    agency_id: Mapped[str | None] = mapped_column(String(32))
    cycle_year: Mapped[int | None] = mapped_column(Integer)
    response_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)


class ReviewComment(Base):
    """A reviewer's note on a response: per question when returned, or the reason for reopening it."""

    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AppState(Base):
    """Small key-value facts about the database: its data version, whether it holds demo data."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Job(Base):
    """Long work (imports, recomputation, uncertainty, exports) that a user can leave and find finished."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="running")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: The process running the job ("host:pid:token") and its last sign of life (`usecases.jobs`).
    worker: Mapped[str | None] = mapped_column(String(200))
    last_beat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: What the job was started with (JSON), for starting it again after a failure.
    params: Mapped[str | None] = mapped_column(Text)


class ExportFile(Base):
    """The file an export job made, readable only by the user who started it (`usecases.exports`)."""

    __tablename__ = "export_files"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True,
                                        autoincrement=False)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    #: What the access log records for the download, and the agencies it holds (JSON; None: a summary).
    what: Mapped[str] = mapped_column(String(200))
    agency_ids: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class User(Base):
    """A person who signs in: with a local password, through the identity provider, or both."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("username", name="uq_users_username"),
        UniqueConstraint("oidc_subject", name="uq_users_oidc_subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200), index=True)
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    roles: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan")


class UserRole(Base):
    """One role a user holds, scoped to an agency (respondent) or a ministry (coordinator)."""

    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    ministry_id: Mapped[str | None] = mapped_column(ForeignKey("ministries.id"))
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    granted_by: Mapped[str | None] = mapped_column(String(100))

    user: Mapped[User] = relationship(back_populates="roles")


class UserSession(Base):
    """A signed-in browser session; the token's random part is stored only as its SHA-256."""

    __tablename__ = "sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OidcRoleMapping(Base):
    """A rule giving a role to users whose identity-provider claim has a value (e.g. groups = dga-planners)."""

    __tablename__ = "oidc_role_mappings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agencies.id"))
    ministry_id: Mapped[str | None] = mapped_column(ForeignKey("ministries.id"))


class TargetOverride(Base):
    """A planner's edit of a plan target, laid over `survey/targets.yaml` (the whole target, as YAML-shaped JSON)."""

    __tablename__ = "target_overrides"

    target_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    definition: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TargetChange(Base):
    """One change to a target: who, when, which field, the old and the new value."""

    __tablename__ = "target_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
