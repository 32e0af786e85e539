"""A tracker's dead letter from the HTTP door — a batch of positions it could not store — taken
in again once the cause is fixed (``ungpho deadletters retry``; the MQTT door's letters go
through that door again, ``monitoring.letters.tracker_retry``).

The letter's payload is the batch as sent; its source names the mobile source: ``POST
/api/v1/trackers/positions <serial>``. The batch goes through ``positions_ingest`` again, which
stores only the positions not stored before.
"""

from __future__ import annotations

import json

from ungpho.faults.doors import StillDead
from ungpho.faults.models import DeadLetter
from ungpho.preparedness.models import RadioactiveSource
from ungpho.preparedness.trackers import positions_ingest

HTTP_SOURCE = "POST /api/v1/trackers/positions {serial}"


def tracker_letter_retry(letter: DeadLetter) -> str:
    serial = letter.source.rpartition(" ")[2]
    source = RadioactiveSource.objects.filter(serial=serial).first()
    if source is None:
        raise StillDead(f"no radioactive source {serial!r}", "source")
    if letter.payload is None or letter.truncated:
        raise StillDead("the letter does not keep the whole batch: have the tracker send it "
                        "again")
    try:
        body = json.loads(bytes(letter.payload))
    except (ValueError, RecursionError) as error:
        raise StillDead(f"not valid JSON: {error}", "body") from None
    try:
        result = positions_ingest(source=source, body=body, via="http")
    except Exception as error:
        raise StillDead(f"cannot be stored: {error}", "positions") from None
    return (f"{result.stored} stored, {result.duplicates} duplicates, "
            f"{len(result.rejected)} rejected")

