"""What an intent agreement says, as plain data: the letter and the signed version are made from it.

`agreement_content` gathers everything a letter shows into one JSON-ready dict; signing freezes
that dict in an AgreementVersion, and its fingerprint is the SHA-256 of the canonical JSON. The
PDF and the HTML preview of a letter are both rendered from such a dict (letters.py).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from ehelsenord.agreements.models import IntentAgreement
from ehelsenord.agreements.quarters import quarter_end

CONTENT_FORMAT = 1


def agreement_content(
    agreement: IntentAgreement,
    *,
    version: int | None = None,
    signed_at: datetime | None = None,
    signed_by: str = "",
    method: str = "",
    scan_sha256: str = "",
) -> dict[str, Any]:
    """The agreement as it reads now; with `version` and `signed_at`, as it is being signed.

    Expects the agreement with round, municipality, the round's offers (with solutions) and the
    commitments loaded (selectors.agreement_get does so).
    """
    round_ = agreement.round
    municipality = agreement.municipality
    language = municipality.written_language
    commitments = sorted(agreement.commitments.all(), key=lambda c: (c.offer.position, c.offer_id))
    content: dict[str, Any] = {
        "format": CONTENT_FORMAT,
        "agreement": agreement.pk,
        "language": language,
        "round": {
            "id": round_.pk,
            "name": round_.name,
            "period_start": round_.period_start.isoformat(),
            "period_end": round_.period_end.isoformat(),
            "answer_deadline": round_.answer_deadline.isoformat(),
        },
        "municipality": {"number": municipality.number, "name": municipality.name},
        "letter": round_.letter_nn if language == "nn" else round_.letter_nb,
        "offers": [
            {
                "solution": offer.solution.slug,
                "name": offer.solution.name,
                "description": offer.solution.description,
                "reason": offer.reason,
                "national_deadline": offer.national_deadline.isoformat() if offer.national_deadline else None,
            }
            for offer in round_.offers.all()
        ],
        "commitments": [
            {
                "solution": commitment.offer.solution.slug,
                "name": commitment.offer.solution.name,
                "target_quarter": commitment.target_quarter.isoformat(),
                "target_date": quarter_end(commitment.target_quarter).isoformat(),
            }
            for commitment in commitments
        ],
        "contacts": list(agreement.contacts),
        "signatory": {"name": agreement.signatory_name, "title": agreement.signatory_title},
        "signature": None,
    }
    if version is not None and signed_at is not None:
        content["signature"] = {
            "version": version,
            "signed_at": signed_at.isoformat(),
            "signed_by": signed_by,
            "method": method,
            "scan_sha256": scan_sha256,
        }
    return content


def canonical_json(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_fingerprint(content: dict[str, Any]) -> str:
    """The SHA-256 of the signed content: printed on the letter, checked by the public page."""
    return hashlib.sha256(canonical_json(content)).hexdigest()
