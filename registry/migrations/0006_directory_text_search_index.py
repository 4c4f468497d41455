"""Indexes that serve the directory's text search (registry.filtersets.CompanyFilterSet.filter_search).

The search matches every word of `q` as a substring (icontains) of a company's name, English name,
description or one of its products' names, or its USCC exactly. A substring search cannot use a B-tree
index; at city scale (20,000 companies, 60,000 products) scanning every row takes most of a request.

- PostgreSQL: pg_trgm GIN indexes on exactly the expressions Django's icontains compares
  (`UPPER(column::text)`), so the planner answers `LIKE '%word%'` from the index and rechecks the rows it
  finds. pg_trgm splits Chinese text into trigrams of characters too (the database's ctype is UTF-8), and
  a B-tree on `UPPER(uscc::text)` serves the USCC's iexact.
- SQLite: FTS5 tables with the trigram tokenizer, external content over the company and product tables,
  kept in sync by triggers. They answer a phrase query for any word of three or more characters; the
  filterset then applies the same icontains on the rows found, so both databases return the same rows.
  Shorter words are not indexed by any trigram index: they are answered by the plain LIKE.

Nothing here is in the models' state: the indexes are vendor-specific and makemigrations need not know them.
A later migration that makes SQLite rebuild registry_company or registry_product (most column changes: Django
copies the table and drops the old one) drops these triggers with it and must create them again;
tests/registry/test_search_index.py fails if it does not.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRESQL_INDEXES = [
    ("registry_company_name_trgm", "registry_company", "gin (UPPER(name::text) gin_trgm_ops)"),
    ("registry_company_name_en_trgm", "registry_company", "gin (UPPER(name_en::text) gin_trgm_ops)"),
    ("registry_company_description_trgm", "registry_company", "gin (UPPER(description::text) gin_trgm_ops)"),
    ("registry_company_uscc_upper", "registry_company", "btree (UPPER(uscc::text))"),
    ("registry_product_name_trgm", "registry_product", "gin (UPPER(name::text) gin_trgm_ops)"),
]

# (search table, content table, indexed columns)
SQLITE_SEARCH_TABLES = [
    ("registry_company_search", "registry_company", ("name", "name_en", "description")),
    ("registry_product_search", "registry_product", ("name",)),
]


def _sqlite_statements(search, content, columns):
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {search}(rowid, {cols}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {search}({search}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE {search} USING fts5({cols}, content='{content}', content_rowid='id', "
        "tokenize='trigram')",
        f"CREATE TRIGGER {search}_insert AFTER INSERT ON {content} BEGIN {insert} END",
        f"CREATE TRIGGER {search}_delete AFTER DELETE ON {content} BEGIN {delete} END",
        f"CREATE TRIGGER {search}_update AFTER UPDATE OF {cols} ON {content} BEGIN {delete} {insert} END",
        # Rows that existed before this migration.
        f"INSERT INTO {search}({search}) VALUES ('rebuild')",
    ]


def create_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name, table, method in POSTGRESQL_INDEXES:
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING {method}")
    elif vendor == "sqlite":
        for search, content, columns in SQLITE_SEARCH_TABLES:
            for statement in _sqlite_statements(search, content, columns):
                schema_editor.execute(statement)


def drop_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name, _table, _method in POSTGRESQL_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    elif vendor == "sqlite":
        for search, _content, _columns in SQLITE_SEARCH_TABLES:
            for suffix in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {search}_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {search}")


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0005_user_language"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on other databases
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
    ]
