"""The metric catalogue the year-end report needs (see shared/spec/annual-report-format.md).

Cells ``t2.*`` feed table 二 (2021 format; the 2019-only rows are marked in their code).
"""

from django.db import migrations

# code, name, unit, aggregation, decimal places, report cell
CATALOGUE = [
    ("regulations_issued", "规章本年制发件数", "件", "sum", 0, "t2.regulations.issued"),
    ("regulations_repealed", "规章本年废止件数", "件", "sum", 0, "t2.regulations.repealed"),
    ("regulations_in_force", "现行有效规章件数", "件", "latest", 0, "t2.regulations.in_force"),
    ("normative_issued", "行政规范性文件本年制发件数", "件", "sum", 0, "t2.normative.issued"),
    ("normative_repealed", "行政规范性文件本年废止件数", "件", "sum", 0, "t2.normative.repealed"),
    ("normative_in_force", "现行有效行政规范性文件件数", "件", "latest", 0,
     "t2.normative.in_force"),
    ("licensing_decisions", "行政许可本年处理决定数量", "件", "sum", 0, "t2.licensing.decisions"),
    ("punishment_decisions", "行政处罚本年处理决定数量", "件", "sum", 0,
     "t2.punishment.decisions"),
    ("enforcement_decisions", "行政强制本年处理决定数量", "件", "sum", 0,
     "t2.enforcement.decisions"),
    ("fees_collected", "行政事业性收费本年收费金额", "万元", "sum", 6, "t2.fees.amount"),
    ("other_services_decisions_2019", "其他对外管理服务事项处理决定数量", "件", "sum", 0,
     "t2.other_services.decisions"),
    ("procurement_projects_2019", "政府集中采购项目数量", "个", "sum", 0, "t2.procurement.projects"),
    ("procurement_amount_2019", "政府集中采购总金额", "万元", "sum", 6, "t2.procurement.amount"),
    ("items_disclosed", "主动公开政府信息", "条", "sum", 0, ""),
    ("policy_interpretations", "发布政策解读", "条", "sum", 0, ""),
    ("online_interviews", "开展在线访谈", "次", "sum", 0, ""),
    ("press_conferences", "召开新闻发布会", "次", "sum", 0, ""),
    ("messages_answered", "热线及信箱留言办结", "件", "sum", 0, ""),
    ("proposals_handled", "办理人大代表建议和政协提案", "件", "sum", 0, ""),
    ("processing_fees", "收取信息处理费", "元", "sum", 2, "s6.processing_fees"),
]


def load(apps, schema_editor):
    Metric = apps.get_model("tasks", "Metric")
    for position, (code, name, unit, aggregation, places, cell) in enumerate(CATALOGUE):
        Metric.objects.update_or_create(
            department=None, code=code,
            defaults={"name": name, "unit": unit, "aggregation": aggregation,
                      "decimal_places": places, "report_cell": cell, "position": position},
        )


def unload(apps, schema_editor):
    apps.get_model("tasks", "Metric").objects.filter(
        department=None, code__in=[row[0] for row in CATALOGUE]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("tasks", "0003_evidence")]
    operations = [migrations.RunPython(load, unload)]
