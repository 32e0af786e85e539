"""Vietnamese-insensitive matching in the database: ``Folded(expression)`` is the expression
folded as :func:`ungpho.core.text_fold.folded` folds Python text, so a filter such as
``.annotate(f=Folded("name")).filter(f__contains=folded(query))`` finds "Hải Hà" for
"hai ha".

- SQLite: a deterministic SQL function ``ungpho_fold`` registered on every connection
  (``fold_function_register``) runs the Python function itself.
- PostgreSQL: the built-in ``TRANSLATE`` with :func:`ungpho.core.text_fold.fold_map` (no
  extension such as ``unaccent`` to install), then ``LOWER`` (the map's output is ASCII, so
  it lowers under any collation, the C one included).
"""

from __future__ import annotations

from django.db.models import CharField, Func, Q

from ungpho.core.text_fold import fold_map, folded


class Folded(Func):
    function = "UNGPHO_FOLD"
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        source, target = fold_map()
        return f"LOWER(TRANSLATE({sql}, %s, %s))", (*params, source, target)


def _fold_or_null(text):
    return None if text is None else folded(str(text))


def fold_function_register(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: SQLite's ``ungpho_fold``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("ungpho_fold", 1, _fold_or_null,
                                              deterministic=True)


def folded_match(queryset, text: str, *fields: str):
    """Rows of ``queryset`` where any of ``fields`` contains ``text``, both folded."""
    needle = folded(text)
    condition = Q()
    for index, name in enumerate(fields):
        queryset = queryset.annotate(**{f"_folded_{index}": Folded(name)})
        condition |= Q(**{f"_folded_{index}__contains": needle})
    return queryset.filter(condition)
