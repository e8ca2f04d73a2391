"""The loader's in-process transport speaks to the same sandbox views the live portal serves."""

import datetime

from interop.diavgeia import DiavgeiaClient
from interop.inprocess import sandbox_session
from interop.sandboxes.diavgeia import published_files, published_metadata


def test_an_act_posted_in_process_is_kept_by_the_sandbox_with_its_pdf(db):
    pdf = b"%PDF-1.4\n% act\n%%EOF\n"
    client = DiavgeiaClient(session=sandbox_session())

    act = client.publish(
        {
            "protocolNumber": "ΔΟΚ-INPROC-1",
            "subject": "Απόφαση δοκιμής",
            "issueDate": datetime.date(2026, 12, 1),
            "decisionTypeId": "Β.4",
            "thematicCategoryIds": ["20"],
            "signerIds": ["1"],
        },
        pdf,
    )

    assert act.ada and act.protocol_number == "ΔΟΚ-INPROC-1"
    assert published_metadata(act.ada)["subject"] == "Απόφαση δοκιμής"
    assert published_files(act.ada) == [(f"{act.ada}.pdf", pdf)]
    # The same act asked back over the same transport: the sandbox answers with it.
    assert client.get(act.ada).ada == act.ada
