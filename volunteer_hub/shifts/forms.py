"""Forms of making shifts and taking the register."""

from __future__ import annotations

from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from ..forms import HubForm, local_times
from ..urls import MAX_ID
from .models import BookingStatus
from .services import MAX_WEEKS, ShiftPattern


class ShiftForm(HubForm):
    day, start, end = local_times("Date of the first shift", "first shift")
    places = IntegerField(
        "Places",
        validators=[
            InputRequired("Enter how many volunteers the shift needs"),
            NumberRange(min=1, max=500, message="A shift has 1 to 500 places"),
        ],
        invalid_value_message="Places must be a whole number, like 6",
    )
    weeks = IntegerField(
        "Repeat every week for (weeks)",
        default=1,
        description="1 for a single shift; 12 makes the same shift every week for 12 weeks.",
        validators=[
            InputRequired("Enter how many weeks"),
            NumberRange(min=1, max=MAX_WEEKS, message=f"Repeat for 1 to {MAX_WEEKS} weeks"),
        ],
        invalid_value_message="Weeks must be a whole number, like 12",
    )

    def pattern(self) -> ShiftPattern:
        return ShiftPattern(
            first_day=self.day.data,
            start=self.start.data,
            end=self.end.data,
            places=int(self.places.data or 1),
            weeks=int(self.weeks.data or 1),
        )


class AttendanceForm(HubForm):
    booking_id = IntegerField(
        validators=[
            DataRequired("Choose a booking"),
            NumberRange(min=1, max=MAX_ID, message="Choose a booking from the register"),
        ]
    )
    status = SelectField(
        "Attendance",
        choices=[
            SelectChoice(str(BookingStatus.ATTENDED), "Attended"),
            SelectChoice(str(BookingStatus.NO_SHOW), "Did not come"),
        ],
        invalid_choice_message="Choose attended or did not come",
    )


class ButtonForm(HubForm):
    """A form with only its CSRF token: a button."""
