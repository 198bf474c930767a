namespace Rapport.Imports.Csv;

/// <summary>How a column came to feed its field (or not).</summary>
public enum ColumnSource
{
    /// <summary>Its header is the field's canonical name or an alias.</summary>
    Auto,
    /// <summary>Named by an override (<c>"E-mail=email"</c>).</summary>
    Override,
    /// <summary>Ignored by an override (<c>"Notes="</c> or <c>"Notes=-"</c>).</summary>
    Ignored,
    /// <summary>No field matches its header: the column is ignored.</summary>
    Unmapped,
}

/// <summary>One column of the file: its position, header, the field it feeds (null when ignored) and a note for people.</summary>
public sealed record MappedColumn(int Index, string Header, ImportField? Field, ColumnSource Source, string? Note = null);

/// <summary>
/// The columns of a file mapped to the fields of an import kind: automatically by header (canonical names, aliases and
/// custom field keys, compared after <see cref="ImportFields.Normalize"/>), then overridden. When two headers match the
/// same field automatically, the better match (canonical name, then the earlier alias, then the leftmost column) wins
/// and the other column is left unmapped with a note; two overrides naming one field, or an override naming a field
/// another override already took, are errors. <see cref="Problems"/> lists what stops the import (nothing to import
/// is done while there is one).
/// </summary>
public sealed class ColumnMapping
{
    private readonly Dictionary<string, int> _indexByField;

    private ColumnMapping(ImportKind kind, IReadOnlyList<MappedColumn> columns, IReadOnlyList<string> problems)
    {
        Kind = kind;
        Columns = columns;
        Problems = problems;
        _indexByField = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (column.Field is { } field)
            {
                _indexByField.TryAdd(field.Key, column.Index);
            }
        }
    }

    public ImportKind Kind { get; }

    /// <summary>Every column of the header, in file order.</summary>
    public IReadOnlyList<MappedColumn> Columns { get; }

    /// <summary>File-level errors: unknown override columns or fields, a field mapped twice, required fields missing.</summary>
    public IReadOnlyList<string> Problems { get; }

    public bool IsValid => Problems.Count == 0;

    /// <summary>The headers of columns that feed nothing (unmapped or ignored).</summary>
    public IReadOnlyList<string> IgnoredHeaders => [.. Columns.Where(c => c.Field is null).Select(c => c.Header)];

    /// <summary>The mapped (field, column) pairs in file order.</summary>
    public IEnumerable<MappedColumn> Mapped => Columns.Where(c => c.Field is not null);

    public bool Has(string fieldKey) => _indexByField.ContainsKey(fieldKey);

    /// <summary>The column index feeding this field, or -1.</summary>
    public int IndexOf(string fieldKey) => _indexByField.GetValueOrDefault(fieldKey, -1);

    /// <summary>The column feeding this field, or null.</summary>
    public MappedColumn? ColumnOf(string fieldKey) => _indexByField.TryGetValue(fieldKey, out var i) ? Columns[i] : null;

    /// <summary>
    /// The trimmed cell of a record for this field; null when the field is not mapped or the cell is blank. A single
    /// quote in front of a formula character (<c>'+49 …</c>, as our own exports and spreadsheet users write cells to
    /// neutralise them) is taken off, so an exported file imports back to the same values.
    /// </summary>
    public string? Cell(IReadOnlyList<string> cells, string fieldKey)
    {
        if (!_indexByField.TryGetValue(fieldKey, out var i) || i >= cells.Count)
        {
            return null;
        }

        var value = cells[i];
        if (value.Length == 0)
        {
            return null;
        }

        value = WithoutFormulaQuote(value);

        // Trim only when needed: most cells have no surrounding blanks.
        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            value = value.Trim();
            return value.Length == 0 ? null : value;
        }

        return value;
    }

    /// <summary>
    /// Takes off the single quote that neutralised a formula (<c>'+49 …</c> → <c>+49 …</c>; see
    /// <see cref="CsvWriter.LooksLikeFormula"/>); any other value is returned as it is.
    /// </summary>
    public static string WithoutFormulaQuote(string value) =>
        value.Length > 1 && value[0] == '\'' && CsvWriter.LooksLikeFormula(value[1..]) ? value[1..] : value;

    /// <summary>
    /// Maps <paramref name="header"/> for <paramref name="kind"/>. <paramref name="overrides"/>: header → field key,
    /// where an empty key or "-" ignores the column (headers compared case-insensitively, then normalised).
    /// <paramref name="customFieldKeys"/>: the customer custom fields a header may name by key (customers only).
    /// </summary>
    public static ColumnMapping Create(
        ImportKind kind,
        IReadOnlyList<string> header,
        IReadOnlyDictionary<string, string>? overrides = null,
        IReadOnlyCollection<string>? customFieldKeys = null)
    {
        var problems = new List<string>();
        var fields = new ImportField?[header.Count];
        var sources = new ColumnSource[header.Count];
        var notes = new string?[header.Count];
        var custom = kind == ImportKind.Customers && customFieldKeys is not null
            ? customFieldKeys.Where(k => !string.IsNullOrWhiteSpace(k))
                .GroupBy(ImportFields.Normalize)
                .ToDictionary(g => g.Key, g => ImportFields.Custom(g.First()))
            : [];

        // 1. Overrides.
        var overridden = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (column, target) in overrides ?? new Dictionary<string, string>())
        {
            var index = FindColumn(header, column);
            if (index < 0)
            {
                problems.Add($"The mapping names the column \"{CsvText.Clip(column)}\", which the file does not have.");
                continue;
            }

            var key = target.Trim();
            if (key.Length == 0 || key == "-")
            {
                sources[index] = ColumnSource.Ignored;
                notes[index] = "ignored by the mapping";
                continue;
            }

            var field = ImportFields.Find(kind, key) ?? custom.GetValueOrDefault(ImportFields.Normalize(key));
            if (field is null)
            {
                problems.Add($"\"{CsvText.Clip(key)}\" is not a field of {KindName(kind)} (mapping of \"{CsvText.Clip(header[index])}\"); the fields are {string.Join(", ", ImportFields.For(kind).Select(f => f.Key))}{(kind == ImportKind.Customers ? " and custom field keys" : "")}.");
                continue;
            }

            if (overridden.TryGetValue(field.Key, out var other))
            {
                problems.Add($"The columns \"{CsvText.Clip(header[other])}\" and \"{CsvText.Clip(header[index])}\" are both mapped to {field.Key}; map only one of them.");
                continue;
            }

            overridden[field.Key] = index;
            fields[index] = field;
            sources[index] = ColumnSource.Override;
        }

        // 2. Automatic matches for the other columns; the best match of a field wins.
        var best = new Dictionary<string, (int Index, int Rank)>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (sources[i] is ColumnSource.Override or ColumnSource.Ignored)
            {
                continue;
            }

            sources[i] = ColumnSource.Unmapped;
            if (header[i].Length == 0)
            {
                notes[i] = "the header cell is empty";
                continue;
            }

            (ImportField Field, int Rank)? match = ImportFields.Match(kind, header[i]);
            if (match is null && custom.TryGetValue(ImportFields.Normalize(header[i]), out var customField))
            {
                match = (customField, 0);
            }

            if (match is not { } hit)
            {
                notes[i] = "no field has this name";
                continue;
            }

            if (overridden.TryGetValue(hit.Field.Key, out var taken))
            {
                notes[i] = $"looks like {hit.Field.Key}, which the mapping gives to \"{CsvText.Clip(header[taken])}\"";
                continue;
            }

            if (best.TryGetValue(hit.Field.Key, out var current))
            {
                if (hit.Rank >= current.Rank)
                {
                    notes[i] = $"also looks like {hit.Field.Key}, which \"{CsvText.Clip(header[current.Index])}\" matches better";
                    continue;
                }

                fields[current.Index] = null;
                notes[current.Index] = $"also looks like {hit.Field.Key}, which \"{CsvText.Clip(header[i])}\" matches better";
            }

            best[hit.Field.Key] = (i, hit.Rank);
            fields[i] = hit.Field;
            sources[i] = ColumnSource.Auto;
            notes[i] = null;
        }

        var columns = new MappedColumn[header.Count];
        for (var i = 0; i < header.Count; i++)
        {
            columns[i] = new MappedColumn(i, header[i], fields[i], fields[i] is null && sources[i] == ColumnSource.Auto ? ColumnSource.Unmapped : sources[i], notes[i]);
        }

        // 3. Required fields.
        var mapped = columns.Where(c => c.Field is not null).Select(c => c.Field!.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var group in ImportFields.Required(kind))
        {
            if (!group.Any(mapped.Contains))
            {
                var names = group.Count == 1 ? group[0] : string.Join(" or ", group);
                problems.Add($"{Capitalised(KindName(kind))} need a column for {names}; none of the headers matches it (map one with \"Header={group[0]}\").");
            }
        }

        return new ColumnMapping(kind, columns, problems);
    }

    private static int FindColumn(IReadOnlyList<string> header, string column)
    {
        var name = column.Trim();
        for (var i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        var normalized = ImportFields.Normalize(name);
        if (normalized.Length == 0)
        {
            return -1;
        }

        for (var i = 0; i < header.Count; i++)
        {
            if (ImportFields.Normalize(header[i]) == normalized)
            {
                return i;
            }
        }

        return -1;
    }

    private static string KindName(ImportKind kind) => kind.ToString().ToLowerInvariant();

    private static string Capitalised(string text) => string.Concat(text[..1].ToUpperInvariant(), text.AsSpan(1));
}
