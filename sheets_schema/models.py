"""One Pydantic model per input-tab row: the person-owned cells, parsed and typed.

Every field is optional, because a bad row is never dropped: a cell that does not parse becomes None
in the model and a problem on the row. Required cells are checked by `sheets_schema.rows`.
Choice fields hold the choice's key ("won", "first_visit"); `stage` is parsed against the pipeline
given in the validation context, since stages come from config.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache, partial
from typing import Annotated, Any, Self, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationInfo

from sheets_schema import parsing
from sheets_schema.choices import CALL_RESULTS, LEAD_STATUSES, ROLES, TASK_STATUSES, TASK_TYPES, ChoiceList
from sheets_schema.locale import Locale
from sheets_schema.messages import Message, quote
from sheets_schema.stages import Pipeline


class UnknownChoiceError(parsing.CellParseError):
    def __init__(self, value: object, choices: ChoiceList) -> None:
        self.choices = choices
        super().__init__("unknown_choice", value)

    def message(self, locale: Locale) -> Message:
        options = " / ".join(self.choices.labels(locale))
        what = self.choices.title(locale)
        return Message(
            "unknown_choice", {"value": quote(self.value, locale), "what": what, "options": options}
        )


def _choice_parser(choices: ChoiceList) -> Callable[[object], str | None]:
    @parsing.reads_formulas
    def parse(value: object) -> str | None:
        if parsing.is_blank(value):
            return None
        found = choices.find(str(value))
        if found is None:
            raise UnknownChoiceError(value, choices)
        return found.key

    return parse


def _choice(choices: ChoiceList) -> BeforeValidator:
    return BeforeValidator(_choice_parser(choices))


def _stage(value: object, info: ValidationInfo) -> str | None:
    pipeline: Pipeline = (info.context or {}).get("pipeline") or Pipeline()
    return parse_stage(value, pipeline)


def parse_stage(value: object, pipeline: Pipeline) -> str | None:
    return _choice_parser(pipeline.choices)(value)


def cell_parsers(model: type[BaseModel], pipeline: Pipeline) -> dict[str, Callable[[object], Any]]:
    """Each field's own parser, taken from the model (the same function its validator runs), so that a row
    whose cells all parse can be built without a second pass through Pydantic (see sheets_schema.rows)."""
    parsers: dict[str, Callable[[object], Any]] = {}
    for name, field in model.model_fields.items():
        validator = next(m for m in field.metadata if isinstance(m, BeforeValidator))
        if validator.func is _stage:
            parsers[name] = partial(parse_stage, pipeline=pipeline)
        else:
            # every validator but _stage takes the cell alone (pydantic types it as either form)
            parsers[name] = cast("Callable[[object], Any]", validator.func)
    return parsers


Text = Annotated[str | None, BeforeValidator(parsing.parse_text)]
Day = Annotated[date | None, BeforeValidator(parsing.parse_date)]
Moment = Annotated[datetime | None, BeforeValidator(parsing.parse_datetime)]
Amount = Annotated[int | float | None, BeforeValidator(parsing.parse_amount)]
Count = Annotated[int | None, BeforeValidator(parsing.parse_int)]
Email = Annotated[str | None, BeforeValidator(parsing.parse_email)]
Flag = Annotated[bool | None, BeforeValidator(parsing.parse_bool)]
StageKey = Annotated[str | None, BeforeValidator(_stage)]


_set = object.__setattr__  # the models are frozen


@cache
def _all_fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


class Row(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    @classmethod
    def empty(cls) -> Any:
        return cls.model_construct(**dict.fromkeys(cls.model_fields))

    @classmethod
    def trusted_many(cls, many: Iterable[dict[str, Any]]) -> list[Self]:
        """Instances from values that went through the fields' own parsers (every field given): what
        model_construct does for this model (no aliases, defaults or private attributes), at a fraction of
        its cost, in one loop; it runs for every row of a sheet of up to 10 million cells."""
        # one set per model, shared (~0.7 kB a row saved: 0.5 GB at 10M cells): Pydantic copies it before
        # changing it (model_copy), and frozen models are never assigned to
        new, fields_set, rows = cls.__new__, _all_fields(cls), []
        for fields in many:
            row = new(cls)
            _set(row, "__dict__", fields)
            _set(row, "__pydantic_fields_set__", fields_set)
            _set(row, "__pydantic_extra__", None)
            _set(row, "__pydantic_private__", None)
            rows.append(row)
        return rows


class TeamMember(Row):
    name: Text = None
    email: Email = None
    role: Annotated[str | None, _choice(ROLES)] = None
    manager: Text = None
    team: Text = None
    active: Flag = None
    target: Amount = None  # monthly, optional (the Forecast tab)


class Lead(Row):
    lead_id: Text = None
    company: Text = None
    contact: Text = None
    title: Text = None
    email: Email = None
    phone: Text = None
    industry: Text = None
    employees: Count = None
    region: Text = None
    lead_source: Text = None
    campaign: Text = None
    handed_over_on: Day = None
    assigned_caller: Text = None
    status: Annotated[str | None, _choice(LEAD_STATUSES)] = None
    notes: Text = None


class Call(Row):
    call_id: Text = None
    lead_id: Text = None
    called_at: Moment = None
    caller: Text = None
    result: Annotated[str | None, _choice(CALL_RESULTS)] = None
    appointment_date: Day = None
    notes: Text = None


class Deal(Row):
    deal_id: Text = None
    lead_id: Text = None
    deal_name: Text = None
    company: Text = None
    owner: Text = None
    appointment_by: Text = None
    stage: StageKey = None
    amount: Amount = None
    close_date: Day = None
    lost_reason: Text = None
    notes: Text = None


class Task(Row):
    task_id: Text = None
    deal_id: Text = None
    lead_id: Text = None
    type: Annotated[str | None, _choice(TASK_TYPES)] = None
    title: Text = None
    owner: Text = None
    due_date: Day = None
    status: Annotated[str | None, _choice(TASK_STATUSES)] = None
    completed_on: Day = None
    notes: Text = None


MODELS: dict[str, type[Row]] = {
    "team": TeamMember,
    "leads": Lead,
    "calls": Call,
    "deals": Deal,
    "tasks": Task,
}
