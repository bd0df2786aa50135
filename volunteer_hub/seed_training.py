"""Demo training for `flask hub seed-demo`: the hub's and organisations' courses; sessions over
the last six months and the next three at venues across the borough; bookings in every state,
a full session with a waiting list and an open offer among them; registers that made records;
records staff entered and certificates volunteers sent in; and roles that require courses
some of their volunteers do not hold yet.

The rows are written as they would stand after months of use. The seed draws its own random
numbers, so it stays the same whatever the rest of the demo does; nothing is added when any
course exists.
"""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from .auth.models import AccessLevel, User
from .clock import add_months, local_date, local_today
from .database import utcnow
from .extensions import db
from .files import PDF, PNG, Kind, StoredFile
from .organisations.models import Organisation, OrganisationStatus
from .placements.models import Placement, PlacementStatus
from .reference.models import Category, Locality
from .reference.settings import setting_int
from .roles.models import Role
from .shifts.services import real_moment
from .training.models import (
    HOLDING,
    BookingStatus,
    Course,
    Delivery,
    RecordSource,
    RecordStatus,
    TrainingBooking,
    TrainingRecord,
    TrainingSession,
)
from .training.records import expiry_date
from .workdays import bank_holidays

IN_PERSON, ONLINE, E_LEARNING = Delivery.IN_PERSON, Delivery.ONLINE, Delivery.E_LEARNING
WEEKDAYS, SATURDAY = (1, 2, 3), (5,)  # Tuesday to Thursday; countryside work on Saturdays

# A venue and its locality.
CENTRAL_LIBRARY = ("Stockport Central Library, Wellington Road South", "Stockport town centre")
TOWN_HALL = ("Stockport Town Hall, Edward Street", "Stockport town centre")
HAT_WORKS = ("Hat Works, Wellington Road South", "Stockport town centre")
ROMILEY_FORUM = ("Romiley Forum, Compstall Road", "Romiley")
HAZEL_GROVE = ("Hazel Grove Civic Hall", "Hazel Grove")
CHEADLE_HULME = ("Cheadle Hulme Library, Mellor Road", "Cheadle Hulme")
BRAMHALL = ("Bramhall Library, Bramhall Lane South", "Bramhall")
HEATON_MOOR = ("Heaton Moor Library", "Heaton Moor")
MARPLE = ("Marple Library, Memorial Park", "Marple")
ETHEROW = ("Etherow Country Park visitor centre, Compstall", "Romiley")
REDDISH_VALE = ("Reddish Vale Country Park visitor centre", "Reddish")
WOODBANK = ("Woodbank Park, Turncroft Lane", "Offerton")
STEPPING_HILL = ("Stepping Hill Hospital education centre, Poplar Grove", "Hazel Grove")


@dataclass(frozen=True)
class Plan:
    """A demo course: `provider` names an organisation (None: the hub); `months` is its
    validity (None: never expires); sessions start at `starts` local time, at `venues` in
    turn (none for online and e-learning courses)."""

    title: str
    provider: str | None
    delivery: Delivery
    minutes: int
    months: int | None
    categories: tuple[str, ...]
    description: str
    venues: tuple[tuple[str, str], ...] = ()
    starts: time = time(10)
    days: tuple[int, ...] = WEEKDAYS


SAFEGUARDING_ADULTS = "Safeguarding adults"
SAFEGUARDING_CHILDREN = "Safeguarding children and young people"
FIRST_AID = "Emergency first aid at work"
FOOD_HYGIENE = "Food hygiene level 2"
MANUAL_HANDLING = "Manual handling"
TOOL_SAFETY = "Tool safety and brushcutter use"
DEMENTIA_FRIENDS = "Dementia Friends information session"
GDPR = "GDPR and confidentiality for volunteers"
WARD_INDUCTION = "Ward volunteer induction and infection prevention"

PLANS = (
    Plan(SAFEGUARDING_ADULTS, None, IN_PERSON, 180, 36, ("Health and social care", "Older people"),
         "Recognising abuse and neglect of adults at risk, and what to do about a concern.",
         (CENTRAL_LIBRARY, HAZEL_GROVE)),
    Plan(SAFEGUARDING_CHILDREN, None, IN_PERSON, 180, 36,
         ("Children and young people", "Community libraries"),
         "Keeping children safe: signs of harm, safe working practice and reporting a concern.",
         (TOWN_HALL, CHEADLE_HULME)),
    Plan(FIRST_AID, None, IN_PERSON, 360, 36, (),
         "The one-day emergency first aid at work course: CPR, choking, bleeding, shock.",
         (TOWN_HALL, ROMILEY_FORUM), starts=time(9, 30)),
    Plan(FOOD_HYGIENE, None, E_LEARNING, 120, 36, ("Food and poverty", "Older people"),
         "Safe food handling for lunch clubs, pantries and cafes, with an online test."),
    Plan(MANUAL_HANDLING, None, IN_PERSON, 120, 36, ("Food and poverty", "Events"),
         "Lifting, carrying and moving loads safely: food bank stock, chairs and equipment.",
         (HAZEL_GROVE, CENTRAL_LIBRARY)),
    Plan("Library management system basics", "Friends of Heaton Moor Library", IN_PERSON, 120,
         None, ("Community libraries",),
         "Issuing and returning books, reservations and the catalogue, on the library's system.",
         (HEATON_MOOR, MARPLE, BRAMHALL)),
    Plan(TOOL_SAFETY, "Stockport Council Parks Service", IN_PERSON, 360, 36,
         ("Country parks and countryside", "Environment"),
         "Hand tools, brushcutters and the protective kit they need, with practice on site.",
         (ETHEROW, REDDISH_VALE, WOODBANK), starts=time(9, 30), days=SATURDAY),
    Plan(DEMENTIA_FRIENDS, "Age Well Stockport", IN_PERSON, 60, None, ("Older people",),
         "What it is like to live with dementia and the small things that help.",
         (BRAMHALL, CENTRAL_LIBRARY), starts=time(14)),
    Plan("Mental health first aid champion", "Mind in Stockport", ONLINE, 420, 36,
         ("Health and social care",),
         "Spotting the signs of poor mental health and starting a supportive conversation.",
         starts=time(9, 30)),
    Plan(GDPR, None, ONLINE, 90, 24, ("Office and admin", "Advice and advocacy"),
         "Handling people's information: what you may record, share and must keep safe.",
         starts=time(18)),
    Plan("Fire marshal", None, IN_PERSON, 180, 36, ("Events",),
         "Fire risks, extinguishers and leading a safe evacuation of a building or event.",
         (TOWN_HALL, ROMILEY_FORUM)),
    Plan("Lone working and personal safety", None, E_LEARNING, 60, 36, ("Older people",),
         "Staying safe when you volunteer alone: home visits, telephone work, dark evenings."),
    Plan("Corporate volunteering induction", None, ONLINE, 60, 12, ("Corporate volunteering",),
         "For teams from local employers: how a volunteering day runs and what to expect.",
         starts=time(12, 30)),
    Plan(WARD_INDUCTION, "Stepping Hill Hospital Volunteers", IN_PERSON, 180, 12,
         ("Health and social care",),
         "Hand hygiene, infection prevention and how the wards work, before your first shift.",
         (STEPPING_HILL,)),
    Plan("Welcoming visitors: customer care for heritage volunteers", "Hat Works Museum Friends",
         IN_PERSON, 120, None, ("Arts and heritage",),
         "Greeting visitors, answering questions and making the museum welcoming to everyone.",
         (HAT_WORKS,)),
)  # fmt: skip

# Roles (by title) and the courses they require.
REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "Story time reader": (SAFEGUARDING_CHILDREN,),
    "Youth club helper": (SAFEGUARDING_CHILDREN,),
    "Homework club mentor": (SAFEGUARDING_CHILDREN,),
    "Path and hedge maintenance volunteer": (TOOL_SAFETY,),
    "Ward befriender": (SAFEGUARDING_ADULTS, WARD_INDUCTION),
    "Food bank warehouse assistant": (MANUAL_HANDLING,),
}
# Days until records staff entered expire: soon, very soon, and already.
EXPIRY_OFFSETS = (4, 6, 13, 22, 29, 41, 58, -9, -35, -120)
NOTES = [
    "Certificate seen at the hub office.",
    "Done with a previous volunteering role; certificate checked.",
    "Course run by their employer; copy of the certificate on file.",
    "",
]


@dataclass
class Demo:
    """What the seed works with, and what it has made so far: sessions by course title, the
    places held on each session, who is booked on each course, the bookings attended."""

    rng: random.Random
    now: datetime
    today: date
    staff: User
    pool: list[User]  # volunteers free to be given a training history
    courses: dict[str, Course] = field(default_factory=dict)
    past: dict[str, list[TrainingSession]] = field(default_factory=dict)
    future: dict[str, list[TrainingSession]] = field(default_factory=dict)
    holding: Counter[TrainingSession] = field(default_factory=Counter)
    on_course: dict[str, set[int]] = field(default_factory=dict)
    attended: list[TrainingBooking] = field(default_factory=list)


MIN_VOLUNTEERS = 100  # enough for registers, waiting lists and records that do not overlap


def seed_training(volunteer: User, staff: User, say: Callable[[str], None]) -> None:
    """Add the demo training once; `volunteer` is the demo volunteer, `staff` the hub's."""
    if db.session.scalar(select(Course.id).limit(1)) is not None:
        return
    volunteers = list(
        db.session.scalars(select(User).where(User.email.like("volunteer0%@%")).order_by(User.id))
    )
    rng = random.Random(5)  # noqa: S311 - demo data, not secrets
    demo = Demo(rng, utcnow(), local_today(), staff, volunteers)
    for plan in PLANS:
        demo.courses[plan.title] = _course(plan)
        if plan.delivery != E_LEARNING:
            _sessions(demo, plan)
    db.session.flush()
    if len(volunteers) < MIN_VOLUNTEERS:  # bench data seeds no demo volunteers
        say(f"Training: {len(PLANS)} courses and their sessions, no bookings (too few volunteers)")
        return
    holders = _require_courses(demo)
    demo.pool = [person for person in volunteers if person.id not in holders]
    for plan in PLANS:
        for session in demo.past.get(plan.title, []):
            _register(demo, session)
        for session in demo.future.get(plan.title, []):
            _book_some(demo, session)
    _full_session(demo, demo.future[SAFEGUARDING_CHILDREN][0], volunteer)
    _demo_volunteer(demo, volunteer)
    db.session.flush()  # the registers' bookings get their ids
    _records_from_registers(demo)
    _records_entered(demo)
    _submitted(demo, volunteer)
    db.session.flush()
    sessions = sum(map(len, demo.past.values())) + sum(map(len, demo.future.values()))
    records = db.session.scalar(select(func.count()).select_from(TrainingRecord))
    say(
        f"Training: {len(demo.courses)} courses, {sessions} sessions, "
        f"{sum(demo.holding.values())} places taken, {records} records added"
    )


def _course(plan: Plan) -> Course:
    categories = db.session.scalars(select(Category).where(Category.name.in_(plan.categories)))
    provider = None
    if plan.provider is not None:
        provider = db.session.scalar(
            select(Organisation).where(
                Organisation.name == plan.provider,
                Organisation.status == OrganisationStatus.APPROVED,
            )
        )
    course = Course(
        title=plan.title,
        description=plan.description,
        organisation=provider,
        delivery=plan.delivery,
        duration_minutes=plan.minutes,
        validity_months=plan.months,
        categories=list(categories),
    )
    db.session.add(course)
    return course


def _sessions(demo: Demo, plan: Plan) -> None:
    """Two or three sessions in the last six months and two or three in the next three."""
    course = demo.courses[plan.title]
    runners = _runners(demo, course)
    localities = {place.name: place for place in db.session.scalars(select(Locality))}
    for when, low, high in (("past", -178, -10), ("future", 5, 82)):
        count = demo.rng.choice((2, 3))
        span = (high - low) // count
        made = []
        for index in range(count):
            day = _day(demo, plan, low + index * span, low + (index + 1) * span - 1)
            starts = real_moment(day, plan.starts)  # 10:00 is 10:00 on both sides of a change
            venue, locality = plan.venues[index % len(plan.venues)] if plan.venues else ("", "")
            session = TrainingSession(
                course=course,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=plan.minutes),
                venue=venue,
                locality=localities.get(locality),
                online_link=f"https://meet.example/{_slug(plan.title)}-{day:%Y%m%d}"
                if not venue
                else "",
                places=20 if plan.delivery == ONLINE else demo.rng.choice((10, 12, 14, 16)),
                runners=runners[: 1 + index % len(runners)],
                created_at=min(demo.now, starts) - timedelta(days=demo.rng.randint(30, 60)),
            )
            db.session.add(session)
            made.append(session)
        (demo.past if when == "past" else demo.future)[plan.title] = made


def _day(demo: Demo, plan: Plan, first: int, last: int) -> date:
    """A day from `first` to `last` days from today on which the course runs: one of its
    days of the week, not a bank holiday, not between Christmas and New Year."""
    days = (demo.today + timedelta(days=offset) for offset in range(first, last + 1))
    return demo.rng.choice(
        [
            day
            for day in days
            if day.weekday() in plan.days
            and day not in bank_holidays(day.year)
            and (1, 2) < (day.month, day.day) < (12, 21)
        ]
    )


def _runners(demo: Demo, course: Course) -> list[User]:
    """The provider's managers and coordinators, or hub staff (the hub lead for some)."""
    if course.organisation is not None and course.organisation.memberships:
        return [membership.user for membership in course.organisation.memberships]
    lead = db.session.scalar(
        select(User).where(User.access_level == AccessLevel.ADMIN).order_by(User.id).limit(1)
    )
    return [demo.staff] if lead is None else [demo.staff, lead]


def _booking(
    demo: Demo,
    session: TrainingSession,
    person: User,
    status: BookingStatus,
    booked_at: datetime,
    changed_at: datetime | None = None,
) -> TrainingBooking:
    booking = TrainingBooking(
        session=session,
        volunteer=person,
        status=status,
        created_at=booked_at,
        changed_at=changed_at or booked_at,
        waitlisted_at=booked_at
        if status in (BookingStatus.WAITLISTED, BookingStatus.OFFERED)
        else None,
    )
    db.session.add(booking)
    demo.holding[session] += status in HOLDING
    demo.on_course.setdefault(session.course.title, set()).add(person.id)
    if status == BookingStatus.ATTENDED:
        demo.attended.append(booking)
    return booking


def _newcomers(demo: Demo, course: Course, count: int) -> list[User]:
    """Volunteers with no booking on `course` yet."""
    taken = demo.on_course.get(course.title, set())
    return demo.rng.sample([p for p in demo.pool if p.id not in taken], k=count)


def _register(demo: Demo, session: TrainingSession) -> None:
    """A past session with its register taken: most came, one did not, one cancelled."""
    people = _newcomers(
        demo, session.course, demo.rng.randint(session.places // 2, session.places - 2)
    )
    for index, person in enumerate(people):
        booked_at = session.starts_at - timedelta(days=demo.rng.randint(5, 40))
        if index == 1:
            _booking(demo, session, person, BookingStatus.NO_SHOW, booked_at, session.ends_at)
        elif index == 2:
            cancelled_at = booked_at + timedelta(days=2)
            _booking(demo, session, person, BookingStatus.CANCELLED, booked_at, cancelled_at)
        else:
            _booking(demo, session, person, BookingStatus.ATTENDED, booked_at, session.ends_at)


def _book_some(demo: Demo, session: TrainingSession) -> None:
    """A coming session, part booked, with the odd cancellation."""
    people = _newcomers(demo, session.course, demo.rng.randint(2, session.places // 2))
    for index, person in enumerate(people):
        booked_at = demo.now - timedelta(days=demo.rng.randint(1, 25), hours=demo.rng.randint(0, 9))
        status = BookingStatus.CANCELLED if index == 3 else BookingStatus.BOOKED
        changed_at = booked_at + timedelta(hours=20) if index == 3 else None
        _booking(demo, session, person, status, booked_at, changed_at)


def _full_session(demo: Demo, session: TrainingSession, offered_to: User) -> None:
    """Fill `session`; then someone cancels and their place is offered to the first on the
    waiting list (the demo volunteer), with three more waiting behind."""
    session.places = 10
    freed = demo.now - timedelta(hours=6)
    fill = session.places - demo.holding[session] - 1
    people = _newcomers(demo, session.course, fill + 4)
    for person in people[:fill]:
        booked_at = freed - timedelta(days=demo.rng.randint(8, 30))
        _booking(demo, session, person, BookingStatus.BOOKED, booked_at)
    booked_at = freed - timedelta(days=20)
    _booking(demo, session, people[fill], BookingStatus.CANCELLED, booked_at, freed)
    offered_at = freed - timedelta(days=6)
    offer = _booking(demo, session, offered_to, BookingStatus.OFFERED, offered_at, freed)
    offer.offer_expires_at = freed + timedelta(hours=setting_int("offer_hours"))
    for days, person in zip((5, 3, 1), people[fill + 1 :], strict=True):
        _booking(demo, session, person, BookingStatus.WAITLISTED, freed - timedelta(days=days))


def _demo_volunteer(demo: Demo, volunteer: User) -> None:
    """Two courses attended, a renewal booked; the offer is made in `_full_session`."""
    for title in (SAFEGUARDING_ADULTS, DEMENTIA_FRIENDS):
        session = demo.past[title][-1]
        booked_at = session.starts_at - timedelta(days=12)
        _booking(demo, session, volunteer, BookingStatus.ATTENDED, booked_at, session.ends_at)
    session = demo.future[FIRST_AID][0]
    _booking(demo, session, volunteer, BookingStatus.BOOKED, demo.now - timedelta(days=3))
    _entered(demo, volunteer, demo.courses[FIRST_AID], 18, "St John Ambulance certificate seen.")
    _entered(demo, volunteer, demo.courses[MANUAL_HANDLING], -40, "")
    _entered(demo, volunteer, demo.courses[GDPR], 290, "")


def _records_from_registers(demo: Demo) -> None:
    """The records the registers made, as taking a register makes them."""
    for booking in demo.attended:
        session = booking.session
        completed_on = local_date(session.starts_at)
        db.session.add(
            TrainingRecord(
                volunteer=booking.volunteer,
                course=session.course,
                completed_on=completed_on,
                expires_on=expiry_date(session.course, completed_on),
                source=RecordSource.ATTENDED,
                status=RecordStatus.VERIFIED,
                booking_id=booking.id,
                recorded_by=session.runners[0],
                decided_by=session.runners[0],
                decided_at=session.ends_at,
                created_at=session.ends_at,
            )
        )


def _entered(demo: Demo, person: User, course: Course, expires_in: int, note: str) -> None:
    """A record staff entered of `course`, done long enough ago to expire in `expires_in`
    days (the completion date of a course that never expires is the same)."""
    completed_on = add_months(
        demo.today + timedelta(days=expires_in), -(course.validity_months or 12)
    )
    recorded_on = min(completed_on + timedelta(days=demo.rng.randint(1, 14)), demo.today)
    db.session.add(
        TrainingRecord(
            volunteer=person,
            course=course,
            completed_on=completed_on,
            expires_on=expiry_date(course, completed_on),
            source=RecordSource.RECORDED,
            status=RecordStatus.VERIFIED,
            note=note,
            recorded_by=demo.staff,
            created_at=datetime.combine(recorded_on, time(11), tzinfo=UTC),
        )
    )


def _records_entered(demo: Demo) -> None:
    """Training done elsewhere, entered by staff over three years: some lapsed, some about to."""
    people = demo.rng.sample(demo.pool, k=70)
    courses = list(demo.courses.values())
    lasting = [course for course in courses if course.validity_months]
    for person, offset in zip(people, EXPIRY_OFFSETS, strict=False):
        _entered(demo, person, demo.rng.choice(lasting), offset, demo.rng.choice(NOTES))
    for person in people[len(EXPIRY_OFFSETS) :]:
        expires_in = demo.rng.randint(-400, 1000)
        _entered(demo, person, demo.rng.choice(courses), expires_in, demo.rng.choice(NOTES))


def _require_courses(demo: Demo) -> set[int]:
    """Set the roles' required courses. Of the volunteers active on those roles, every other
    one holds the training; the rest are the gaps staff see (one with a lapsed record, one
    booked on a coming session). Returns those volunteers' ids."""
    roles = list(
        db.session.scalars(select(Role).where(Role.title.in_(REQUIREMENTS)).order_by(Role.id))
    )
    for role in roles:
        role.required_courses = [demo.courses[title] for title in REQUIREMENTS[role.title]]
    holders = db.session.scalars(
        select(Placement)
        .where(
            Placement.role_id.in_([role.id for role in roles]),
            Placement.status == PlacementStatus.ACTIVE,
            Placement.volunteer_id.is_not(None),
        )
        .order_by(Placement.id)
    ).all()
    seen: set[int] = set()
    for index, placement in enumerate(holders):
        person = placement.volunteer
        if person is None or person.id in seen:
            continue
        seen.add(person.id)
        courses = [demo.courses[title] for title in REQUIREMENTS[placement.role.title]]
        if index % 2 == 0:
            for course in courses:
                _entered(demo, person, course, demo.rng.randint(120, 900), "Checked for the role.")
        elif index % 4 == 1:
            _entered(demo, person, courses[0], -demo.rng.randint(20, 200), "")
        elif coming := demo.future.get(courses[0].title):
            _booking(demo, coming[-1], person, BookingStatus.BOOKED, demo.now - timedelta(days=2))
    return seen


def _submitted(demo: Demo, volunteer: User) -> None:
    """Certificates volunteers sent in: two waiting for staff, one not accepted."""
    first_aider, level_one = demo.rng.sample(demo.pool, k=2)
    hygiene = demo.courses[FOOD_HYGIENE]
    certificate = _certificate(
        ["Certificate of achievement", volunteer.name, "Food Hygiene Level 2"], PDF
    )
    _submit(demo, volunteer, hygiene, 9, "I did this online for the lunch club.", certificate)
    photo = _certificate(["Emergency First Aid at Work", first_aider.name, "Qualsafe Awards"], PNG)
    note = "From my job at the leisure centre."
    _submit(demo, first_aider, demo.courses[FIRST_AID], 16, note, photo)
    certificate = _certificate(
        ["Certificate of completion", level_one.name, "Food Hygiene Level 1"], PDF
    )
    record = _submit(demo, level_one, hygiene, 30, "", certificate)
    record.status = RecordStatus.REJECTED
    record.reject_reason = (
        "This certificate is for level 1; the lunch club needs level 2. The hub's online "
        "food hygiene course is free for volunteers."
    )
    record.decided_by, record.decided_at = demo.staff, demo.now - timedelta(days=24)


def _submit(
    demo: Demo, person: User, course: Course, days_ago: int, note: str, evidence: StoredFile
) -> TrainingRecord:
    """A record `person` submitted `days_ago`, with their certificate, waiting for staff."""
    sent_at = demo.now - timedelta(days=days_ago, hours=demo.rng.randint(1, 8))
    completed_on = local_date(sent_at) - timedelta(days=demo.rng.randint(3, 40))
    evidence.owner_id, evidence.created_at = person.id, sent_at
    record = TrainingRecord(
        volunteer=person,
        course=course,
        completed_on=completed_on,
        expires_on=expiry_date(course, completed_on),
        source=RecordSource.SUBMITTED,
        status=RecordStatus.PENDING,
        note=note,
        evidence=evidence,
        created_at=sent_at,
    )
    db.session.add(record)
    return record


def _slug(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", words.lower()).strip("-")


def _certificate(lines: list[str], kind: Kind) -> StoredFile:
    """A certificate with `lines` on it, as a phone photo (PNG) or a scan (PDF) would be."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (640, 420), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 627, 407), outline=(0, 94, 84), width=6)
    font = ImageFont.load_default(size=26)
    for number, line in enumerate(lines):
        draw.text((48, 110 + number * 60), line, fill=(20, 20, 20), font=font)
    buffer = io.BytesIO()
    image.save(buffer, kind.extension.upper())
    data = buffer.getvalue()
    stored = StoredFile(
        filename=f"{_slug(lines[-1])}.{kind.extension}",
        content_type=kind.content_type,
        size=len(data),
        data=data,
    )
    db.session.add(stored)
    return stored
