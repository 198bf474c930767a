using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Rapport.Data;

namespace Rapport.Tests.Data;

/// <summary>
/// A database's schema read back by introspection, as one sorted line per fact ("column customers.email text NULL"),
/// so two schemas compare as sets and a difference reads as the fact that is missing or extra.
/// SQLite: <c>sqlite_master</c> and the <c>pragma_*</c> table-valued functions; PostgreSQL: <c>information_schema</c>
/// and <c>pg_catalog</c>. The migrator's own <c>schema_versions</c> table is left out.
/// </summary>
internal static partial class DatabaseSchema
{
    public const string VersionsTable = "schema_versions";

    public static async Task<SortedSet<string>> ReadAsync(RapportDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync();
        return database.IsPostgres ? await ReadPostgresAsync(connection) : await ReadSqliteAsync(connection);
    }

    public static async Task<IReadOnlyList<string>> TablesAsync(RapportDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync();
        var sql = database.IsPostgres
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1";
        return (await connection.QueryAsync<string>(sql)).ToList();
    }

    private static async Task<SortedSet<string>> ReadSqliteAsync(DbConnection connection)
    {
        var facts = new SortedSet<string>(StringComparer.Ordinal);
        var tables = (await connection.QueryAsync<(string Name, string Sql)>(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> @VersionsTable",
            new { VersionsTable })).ToList();
        foreach (var (table, sql) in tables)
        {
            facts.Add($"table {table}{(sql.Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase) ? " autoincrement" : "")}");

            var columns = (await connection.QueryAsync<(string Name, string Type, long NotNull, string? Default, long Pk)>(
                "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(@table)", new { table })).ToList();
            foreach (var c in columns)
            {
                facts.Add($"column {table}.{c.Name} {c.Type.ToUpperInvariant()} {(c.NotNull != 0 ? "NOT NULL" : "NULL")}{Default(c.Default)}");
            }

            var pk = columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name).ToList();
            if (pk.Count > 0)
            {
                facts.Add($"primary key {table} ({string.Join(", ", pk)})");
            }

            var indexes = (await connection.QueryAsync<(string Name, long Unique, string Origin, long Partial)>(
                "SELECT name, \"unique\", origin, partial FROM pragma_index_list(@table)", new { table })).ToList();
            foreach (var index in indexes.Where(i => i.Origin != "pk"))
            {
                var keyColumns = (await connection.QueryAsync<(string? Name, long Desc)>(
                    "SELECT name, \"desc\" FROM pragma_index_xinfo(@name) WHERE key = 1 ORDER BY seqno", new { name = index.Name }))
                    .Select(c => (c.Name ?? "<expression>") + (c.Desc != 0 ? " DESC" : ""));
                // Indexes made by a UNIQUE constraint get generated names; what matters is that they exist.
                var name = index.Origin == "u" ? "<unique constraint>" : index.Name;
                var filter = "";
                if (index.Partial != 0)
                {
                    var indexSql = await connection.ExecuteScalarAsync<string>("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = @name", new { name = index.Name }) ?? "";
                    filter = " WHERE " + NormalizeSql(indexSql[(indexSql.LastIndexOf(" WHERE ", StringComparison.OrdinalIgnoreCase) + 7)..]);
                }

                facts.Add($"index {table}.{name} {(index.Unique != 0 ? "UNIQUE " : "")}({string.Join(", ", keyColumns)}){filter}");
            }

            var foreignKeys = (await connection.QueryAsync<(long Id, long Seq, string Target, string From, string? To, string OnDelete)>(
                "SELECT id, seq, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(@table)", new { table })).ToList();
            foreach (var fk in foreignKeys.GroupBy(f => f.Id))
            {
                var ordered = fk.OrderBy(f => f.Seq).ToList();
                facts.Add($"foreign key {table} ({string.Join(", ", ordered.Select(f => f.From))}) -> {ordered[0].Target} " +
                    $"({string.Join(", ", ordered.Select(f => f.To ?? "<primary key>"))}) ON DELETE {ordered[0].OnDelete.ToUpperInvariant()}");
            }
        }

        return facts;
    }

    private static async Task<SortedSet<string>> ReadPostgresAsync(DbConnection connection)
    {
        var facts = new SortedSet<string>(StringComparer.Ordinal);

        var tables = await connection.QueryAsync<string>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> @VersionsTable",
            new { VersionsTable });
        foreach (var table in tables)
        {
            facts.Add($"table {table}");
        }

        var columns = await connection.QueryAsync<(string Table, string Name, string Type, bool NotNull, string? Default, string? Identity)>(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), NULLIF(a.attidentity, '')::text
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> @VersionsTable
            """,
            new { VersionsTable });
        foreach (var c in columns)
        {
            var identity = c.Identity switch
            {
                "a" => " GENERATED ALWAYS AS IDENTITY",
                "d" => " GENERATED BY DEFAULT AS IDENTITY",
                _ => "",
            };
            facts.Add($"column {c.Table}.{c.Name} {c.Type} {(c.NotNull ? "NOT NULL" : "NULL")}{identity}{Default(c.Default)}");
        }

        var constraints = await connection.QueryAsync<(string Table, string Name, string Kind, string[] Columns, string? Target, string[]? TargetColumns, string OnDelete)>(
            """
            SELECT c.relname, k.conname, k.contype::text,
                   ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(num, pos)
                         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num ORDER BY u.pos),
                   t.relname::text,
                   CASE WHEN k.contype = 'f' THEN ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY AS u(num, pos)
                         JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.num ORDER BY u.pos) END,
                   k.confdeltype::text
            FROM pg_constraint k
            JOIN pg_class c ON c.oid = k.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_class t ON t.oid = k.confrelid
            WHERE n.nspname = current_schema() AND k.contype IN ('p', 'f', 'u') AND c.relname <> @VersionsTable
            """,
            new { VersionsTable });
        foreach (var k in constraints)
        {
            facts.Add(k.Kind switch
            {
                "p" => $"primary key {k.Table} ({string.Join(", ", k.Columns)}) named {k.Name}",
                "u" => $"unique constraint {k.Table}.{k.Name} ({string.Join(", ", k.Columns)})",
                _ => $"foreign key {k.Table} ({string.Join(", ", k.Columns)}) -> {k.Target} ({string.Join(", ", k.TargetColumns!)}) ON DELETE {OnDelete(k.OnDelete)} named {k.Name}",
            });
        }

        var indexes = await connection.QueryAsync<(string Table, string Name, bool Unique, string Method, string[] Columns, string[] Included, string? Filter)>(
            """
            SELECT t.relname, i.relname, x.indisunique, am.amname::text,
                   ARRAY(SELECT pg_get_indexdef(x.indexrelid, k + 1, true) || CASE WHEN x.indoption[k] & 1 = 1 THEN ' DESC' ELSE '' END
                         FROM generate_subscripts(x.indkey, 1) AS k WHERE k < x.indnkeyatts ORDER BY k),
                   ARRAY(SELECT pg_get_indexdef(x.indexrelid, k + 1, true) FROM generate_subscripts(x.indkey, 1) AS k WHERE k >= x.indnkeyatts ORDER BY k),
                   pg_get_expr(x.indpred, x.indrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_am am ON am.oid = i.relam
            WHERE n.nspname = current_schema() AND NOT x.indisprimary AND t.relname <> @VersionsTable
            """,
            new { VersionsTable });
        foreach (var i in indexes)
        {
            var method = i.Method == "btree" ? "" : $" USING {i.Method}";
            var filter = i.Filter is null ? "" : " WHERE " + NormalizeSql(i.Filter);
            var included = i.Included.Length == 0 ? "" : $" INCLUDE ({string.Join(", ", i.Included)})";
            facts.Add($"index {i.Table}.{i.Name} {(i.Unique ? "UNIQUE " : "")}({string.Join(", ", i.Columns)}){included}{method}{filter}");
        }

        return facts;
    }

    private static string Default(string? expression) =>
        expression is null ? "" : " DEFAULT " + NormalizeSql(expression);

    private static string OnDelete(string code) => code switch
    {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => code,
    };

    /// <summary>Quotes, parentheses around the whole expression and runs of white space do not change meaning.</summary>
    private static string NormalizeSql(string sql)
    {
        var text = Whitespace().Replace(sql.Replace("\"", "", StringComparison.Ordinal), " ").Trim().TrimEnd(';');
        while (text.StartsWith('(') && text.EndsWith(')') && Balanced(text[1..^1]))
        {
            text = text[1..^1].Trim();
        }

        return text.ToLower(CultureInfo.InvariantCulture);
    }

    private static bool Balanced(string text)
    {
        var depth = 0;
        foreach (var c in text)
        {
            depth += c switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth < 0)
            {
                return false;
            }
        }

        return depth == 0;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
