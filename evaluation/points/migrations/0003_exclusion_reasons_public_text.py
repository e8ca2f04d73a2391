"""Exclusion reasons stored before the public/staff split quoted the ΔΥΠΑ register's own answer,
which names the candidate's ΑΜΚΑ, and were copied into the public tables. Rewrite them: the public
text by refusal code, the register's words kept as staff detail, and the tables' rows reduced to
code + public text. (Files already rendered or published stay as issued; see the issue notes.)"""

from django.db import migrations

from evaluation.points.rules import public_reasons, register_refusal_reason


def forwards(apps, schema_editor):
    PointsAssessment = apps.get_model("evaluation_points", "PointsAssessment")
    RankingRow = apps.get_model("evaluation_points", "RankingRow")
    for a in PointsAssessment.objects.filter(register_status="refused").iterator():
        refusal = (a.register or {}).get("refusal") or {}
        fixed = register_refusal_reason(refusal)
        reasons = [
            {"code": fixed.code, "message": fixed.message, "detail": fixed.detail}
            if r.get("code") == "register_refused"
            else r
            for r in a.exclusion_reasons or []
        ]
        if reasons != a.exclusion_reasons:
            a.exclusion_reasons = reasons
            a.save(update_fields=["exclusion_reasons"])
        RankingRow.objects.filter(table__round_id=a.round_id, application_id=a.application_id).exclude(
            reasons=[]
        ).update(reasons=public_reasons(reasons))


class Migration(migrations.Migration):
    dependencies = [("evaluation_points", "0002_table_xlsx")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
