"""The flow ledger's export (.xlsx / CSV through core.exports: cells starting with
= + - @ are written as text)."""

from ..core.exports import Column, Export

FLOWS = Export(name="hazchem-flows", title="危化品流向", columns=(
    Column("企业", "enterprise.name", 24),
    Column("统一社会信用代码", "enterprise.uscc", 22),
    Column("方向", "get_direction_display", 12),
    Column("日期", "date", 12),
    Column("品名", "chemical.name", 24),
    Column("CAS号", "chemical.cas", 16),
    Column("品名编号", "chemical_id", 10),
    Column("数量", "quantity", 12),
    Column("单位", "unit", 8),
    Column("对方统一社会信用代码", "counterparty_uscc", 22),
    Column("金额", "amount", 14),
))
