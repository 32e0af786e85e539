"""The law as code: rule files per instrument (TT 12/2023/TT-BKHCN, TT 25/2014/TT-BKHCN,
QĐ 1251/QĐ-TTg, with QCVN 6:2010/BKHCN and IAEA D-values as references) and pure engines
that turn plain facts into explained decisions. See docs/rules.md.

The rule files are validated when this package is imported: a broken file stops the
program with the file and key of every problem.
"""

from ungpho.core.rules.loader import rulebook, rules_in_force

rulebook()

__all__ = ["rulebook", "rules_in_force"]
