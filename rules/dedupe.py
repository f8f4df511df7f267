"""Is this lead (or deal) already on the sheet? Pure matching for imports: email, phone, company + contact.

Phones are compared as digits only, full-width folded, with Japan's +81 / 0081 prefix folded into the
leading 0 (+81 3-1234-5678 == 03-1234-5678). Emails are case-folded. Companies drop the legal-form marks
Japanese lists spell in many ways (株式会社, (株), ㈱, Co., Ltd.) and every space.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sheets_schema.locale import fold
from sheets_schema.models import Deal, Lead, TeamMember

_LEGAL_FORMS = re.compile(
    r"株式会社|有限会社|合同会社|\(株\)|\(有\)|k\.k\."
    # English legal forms only as whole words, so that "Rodoco", "Zinc" or "Incline" keep their letters
    r"|\b(?:co\.?,? ?ltd|inc|corp)\b\.?"
    r"|[\s,]+(?:ltd|llc|plc|gmbh|limited)\.?$"
)
MIN_PHONE_DIGITS = 6


def normalize_phone(text: str | None) -> str | None:
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", str(text)).strip()
    digits = re.sub(r"\D", "", folded)
    if folded.startswith("+81"):
        digits = "0" + digits[2:]
    elif digits.startswith("0081"):
        digits = "0" + digits[4:]
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def normalize_email(text: str | None) -> str | None:
    return unicodedata.normalize("NFKC", text).strip().casefold() or None if text else None


def normalize_company(text: str | None) -> str | None:
    if not text:
        return None
    folded = _LEGAL_FORMS.sub("", fold(text))
    return re.sub(r"[\s.,・]", "", folded) or None


def company_contact(company: str | None, contact: str | None) -> str | None:
    name, person = normalize_company(company), (re.sub(r"\s", "", fold(contact)) if contact else None)
    return f"{name}|{person}" if name and person else None


@dataclass(frozen=True)
class Match:
    how: str  # "lead_id", "email", "phone", "company_contact", "company", "deal_id", "company_deal_name", "name"
    place: str  # where the existing row is: "row 12 (L-000012)" or "CSV line 4"


@dataclass
class Index:
    """Rows already known (on the sheet, or earlier in the same file), by each of their keys."""

    keys: dict[tuple[str, str], str] = field(default_factory=dict)

    def match(self, row_keys: list[tuple[str, str]]) -> Match | None:
        for key in row_keys:
            if key in self.keys:
                return Match(key[0], self.keys[key])
        return None

    def add(self, row_keys: list[tuple[str, str]], place: str) -> None:
        for key in row_keys:
            self.keys.setdefault(key, place)


def lead_keys(lead: Lead) -> list[tuple[str, str]]:
    """The keys a lead is recognised by, strongest first."""
    found = [
        ("lead_id", fold(lead.lead_id) if lead.lead_id else None),
        ("email", normalize_email(lead.email)),
        ("phone", normalize_phone(lead.phone)),
        ("company_contact", company_contact(lead.company, lead.contact)),
    ]
    if not any(value for _, value in found):
        found.append(("company", normalize_company(lead.company)))  # an account: nothing but a company
    return [(how, value) for how, value in found if value]


def member_keys(member: TeamMember) -> list[tuple[str, str]]:
    """A person on the Team tab is the same person by name (case, width and spaces aside) or email."""
    found = [
        ("name", re.sub(r"\s", "", fold(member.name)) if member.name else None),
        ("email", normalize_email(member.email)),
    ]
    return [(how, value) for how, value in found if value]


def deal_keys(deal: Deal) -> list[tuple[str, str]]:
    found = [
        ("deal_id", fold(deal.deal_id) if deal.deal_id else None),
        (
            "company_deal_name",
            f"{normalize_company(deal.company) or ''}|{fold(deal.deal_name)}" if deal.deal_name else None,
        ),
    ]
    return [(how, value) for how, value in found if value]
