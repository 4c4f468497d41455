"""Seed the supply-chain taxonomy (DOMAIN.md) and the city's districts; officials edit both afterwards."""

from django.db import migrations

TAXONOMY = [
    ("solid-electrolytes", "Solid electrolytes", "固态电解质", [
        ("sulfide-electrolyte", "Sulfide electrolytes", "硫化物电解质"),
        ("oxide-electrolyte", "Oxide electrolytes", "氧化物电解质"),
        ("polymer-electrolyte", "Polymer electrolytes", "聚合物电解质"),
        ("halide-electrolyte", "Halide electrolytes", "卤化物电解质"),
    ]),
    ("cathode-materials", "Cathode materials", "正极材料", [
        ("li-rich-mn-cathode", "Li-rich Mn-based cathodes", "富锂锰基正极"),
        ("high-nickel-cathode", "High-nickel cathodes", "高镍正极"),
    ]),
    ("anode-materials", "Anode materials", "负极材料", [
        ("lithium-metal-anode", "Lithium metal anodes", "锂金属负极"),
        ("silicon-carbon-anode", "Silicon-carbon anodes", "硅碳负极"),
    ]),
    ("conductive-agents", "Conductive agents", "导电剂", [
        ("carbon-nanotubes", "Carbon nanotubes", "碳纳米管"),
        ("graphene", "Graphene", "石墨烯"),
    ]),
    ("binders", "Binders", "粘结剂", [
        ("dry-process-binder", "Dry-process binders", "干法粘结剂"),
    ]),
    ("current-collectors", "Current collectors", "集流体", [
        ("composite-copper", "Composite copper foil", "复合铜箔"),
        ("composite-aluminium", "Composite aluminium foil", "复合铝箔"),
    ]),
    ("production-equipment", "Production equipment", "生产设备", [
        ("dry-electrode-equipment", "Dry electrode equipment", "干法电极设备"),
        ("isostatic-press", "Isostatic presses", "等静压设备"),
        ("stacking-equipment", "Stacking equipment", "叠片设备"),
        ("formation-equipment", "Formation equipment", "化成设备"),
    ]),
    ("cells-and-packs", "Cells and packs", "电芯与电池包", [
        ("solid-state-cells", "Solid-state cells", "固态电芯"),
        ("solid-state-packs", "Solid-state battery packs", "固态电池包"),
    ]),
    ("testing-certification", "Testing and certification", "检测认证", []),
    ("recycling", "Recycling", "回收利用", []),
]

DISTRICTS = [
    ("320505", "Huqiu District", "虎丘区"),
    ("320506", "Wuzhong District", "吴中区"),
    ("320507", "Xiangcheng District", "相城区"),
    ("320508", "Gusu District", "姑苏区"),
    ("320509", "Wujiang District", "吴江区"),
    ("320571", "Industrial Park", "工业园区"),
    ("320581", "Changshu", "常熟市"),
    ("320582", "Zhangjiagang", "张家港市"),
    ("320583", "Kunshan", "昆山市"),
    ("320585", "Taicang", "太仓市"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("registry", "Category")
    District = apps.get_model("registry", "District")
    position = 0
    for slug, name, name_zh, children in TAXONOMY:
        position += 10
        parent, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_zh": name_zh, "position": position}
        )
        for child_position, (child_slug, child_name, child_zh) in enumerate(children, start=1):
            Category.objects.get_or_create(
                slug=child_slug,
                defaults={"name": child_name, "name_zh": child_zh, "parent": parent, "position": child_position},
            )
    for code, name, name_zh in DISTRICTS:
        District.objects.get_or_create(code=code, defaults={"name": name, "name_zh": name_zh})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
