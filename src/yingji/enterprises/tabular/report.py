"""What an import tells its caller: counts, row errors, warnings."""

from dataclasses import dataclass, field

from ...core.tabular import FileRejected

__all__ = ["FileRejected", "ImportReport", "RowError"]


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it: the header is row 1 unless title rows sit above it
    field: str  # the column header, "" when the row as a whole is wrong
    message: str  # "中文 / English"

    def __str__(self):
        where = f"第 {self.row} 行" + (f" {self.field}" if self.field else "")
        return f"{where}：{self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Set when the database failed midway: the rows before were kept (each row
    # commits on its own), these were not looked at, and the reason.
    interrupted: str = ""
    not_imported: list[int] = field(default_factory=list)
    # The cells (by column key) of the rejected and not imported rows, by row number:
    # what `exporting.rejected_rows` writes back for the person to correct.
    cells: dict[int, dict] = field(default_factory=dict, repr=False)

    @property
    def complete(self) -> bool:
        return not self.interrupted

    def as_dict(self) -> dict:
        return {
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": self.rejected, "warnings": list(self.warnings),
            "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in self.errors],
            "complete": self.complete, "interrupted": self.interrupted, "not_imported": list(self.not_imported),
        }

    def summary(self) -> str:
        text = (f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}，拒绝 {self.rejected} / "
                f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.rejected} rejected")
        if self.interrupted:
            first, last = self.not_imported[0], self.not_imported[-1]
            text += (f"。导入中断，第 {first}–{last} 行共 {len(self.not_imported)} 行未导入 / "
                     f"Import interrupted: {len(self.not_imported)} rows ({first}-{last}) were not imported")
        return text


class _RowRejected(Exception):
    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems)
        self.problems = problems  # (column key or "", message)


class _CellError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")

