"""UK postcodes and phone numbers: accept what people type, store one normal form."""

from __future__ import annotations

import re

import phonenumbers

_POSTCODE = re.compile(
    r"^(GIR0AA|(?:[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?|[0-9][A-HJKPS-UW])"
    r"[0-9][ABD-HJLNP-UW-Z]{2}))$"
)


def normalise_postcode(raw: str) -> str | None:
    """`sk13xe` -> `SK1 3XE`; `None` when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", raw or "").upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def outward_code(postcode: str) -> str:
    """The district part of a normalised postcode (`SK1 3XE` -> `SK1`)."""
    return postcode.split(" ", 1)[0]


def normalise_phone(raw: str) -> str | None:
    """A phone number in E.164 form (`+447700900123`), UK numbers written either way."""
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not (phonenumbers.is_valid_number(number) or _looks_like_uk_number(number)):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _looks_like_uk_number(number: phonenumbers.PhoneNumber) -> bool:
    """A ten-digit UK number, such as Ofcom's 07700 900xxx range kept for examples and drama."""
    return number.country_code == 44 and len(str(number.national_number)) == 10


def display_phone(stored: str | None) -> str:
    """A stored E.164 number as people write it (`07700 900123`, or international abroad)."""
    if not stored:
        return ""
    number = phonenumbers.parse(stored, "GB")
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
