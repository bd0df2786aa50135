"""Every model, imported in one place so Alembic and the shell see every table."""

from .audit.models import AuditEvent
from .auth.models import User
from .awards.models import (
    AwardCategory,
    AwardCycle,
    ConflictDeclaration,
    JudgeAssignment,
    Nomination,
    NominationEvent,
    Score,
)
from .awards.packs import CeremonyPack
from .certificates.models import Certificate, CertificateDesign
from .files import StoredFile
from .hours.models import HoursEntry, HoursEvent, Milestone, RoleMonthHours, VolunteerMonthHours
from .jobs import JobRun
from .mail import OutboxEmail
from .organisations.models import Invitation, Membership, Organisation
from .placements.models import Placement, PlacementEvent
from .reference.models import Category, Concept, DeclineMessage, Locality, Setting, Skill
from .reminders import ReminderClaim
from .reports.models import ValueRate
from .roles.models import Role, RolePeriod
from .shifts.models import CalendarFeed, Shift, ShiftBooking
from .training.models import Course, TrainingBooking, TrainingRecord, TrainingSession
from .volunteers.models import Availability, Check, ErasedVolunteer, VolunteerProfile

__all__ = [
    "AuditEvent",
    "Availability",
    "AwardCategory",
    "AwardCycle",
    "CalendarFeed",
    "Category",
    "CeremonyPack",
    "Certificate",
    "CertificateDesign",
    "Check",
    "Concept",
    "ConflictDeclaration",
    "Course",
    "DeclineMessage",
    "ErasedVolunteer",
    "HoursEntry",
    "HoursEvent",
    "Invitation",
    "JobRun",
    "JudgeAssignment",
    "Locality",
    "Membership",
    "Milestone",
    "Nomination",
    "NominationEvent",
    "Organisation",
    "OutboxEmail",
    "Placement",
    "PlacementEvent",
    "ReminderClaim",
    "Role",
    "RoleMonthHours",
    "RolePeriod",
    "Score",
    "Setting",
    "Shift",
    "ShiftBooking",
    "Skill",
    "StoredFile",
    "TrainingBooking",
    "TrainingRecord",
    "TrainingSession",
    "User",
    "ValueRate",
    "VolunteerMonthHours",
    "VolunteerProfile",
]
