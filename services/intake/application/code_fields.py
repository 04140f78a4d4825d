"""Command fields that hold a code from one of the IND's code lists (``ind.codes``) instead of free text:
anything else is refused as ``unknown_code``, so nothing an officer types reaches intake's topic."""

from __future__ import annotations

from typing import Annotated

from backbone.validation import known_in, listed
from ind.codes.applications import MISSING_ITEMS, TARGET_GROUPS

MissingItem = Annotated[str, known_in(MISSING_ITEMS), listed(MISSING_ITEMS)]
TargetGroup = Annotated[str, known_in(TARGET_GROUPS), listed(TARGET_GROUPS)]
