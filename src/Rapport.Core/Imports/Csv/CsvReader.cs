namespace Rapport.Imports.Csv;

/// <summary>
/// Streams the records of a CSV file in constant memory. <see cref="Open"/> detects the encoding and the delimiter
/// (unless given), reads the header (the first non-blank record, unless given) and, when resuming, moves to
/// <see cref="CsvReadOptions.StartOffset"/>. <see cref="Read"/> then returns each data record with its line number,
/// raw text, cells, end offset and, when malformed, the reason (see docs/csv-import-format.md for the rules).
/// The reader does not own the stream.
/// </summary>
public sealed class CsvReader
{
    /// <summary>Bytes read first to detect the encoding and the delimiter.</summary>
    public const int SampleBytes = 64 * 1024;

    private readonly ICsvParser _parser;
    private readonly bool _fromStart;
    private readonly bool _headerGiven;

    private CsvReader(CsvEncoding encoding, char delimiter, bool delimiterDetected, ICsvParser parser, CsvHeader? header, string? headerProblem, bool fromStart, bool headerGiven)
    {
        _headerGiven = headerGiven;
        Encoding = encoding;
        Delimiter = delimiter;
        DelimiterDetected = delimiterDetected;
        _parser = parser;
        Header = header;
        HeaderProblem = headerProblem;
        _fromStart = fromStart;
    }

    public CsvEncoding Encoding { get; }

    public char Delimiter { get; }

    public bool DelimiterDetected { get; }

    /// <summary>The file starts with Excel's <c>sep=X</c> line (line 1), which named the delimiter and is not a row.</summary>
    public bool HasSepLine { get; private init; }

    /// <summary>The header; null when the file has none (see <see cref="HeaderProblem"/>).</summary>
    public CsvHeader? Header { get; }

    /// <summary>A file-level problem with the header (empty file, duplicate names, …); no records are read then.</summary>
    public string? HeaderProblem { get; }

    /// <summary>Data records returned so far (well formed or not).</summary>
    public long RecordsRead { get; private set; }

    /// <summary>Byte offset just after the last record returned (or after the header).</summary>
    public long Offset => _parser.Offset;

    /// <summary>The line number the next record starts on or after.</summary>
    public long NextLine => _parser.NextLine;

    /// <summary>
    /// After the last record: a file-level problem with the file as a whole, i.e. a header and no rows at all (only
    /// when reading started at the beginning).
    /// </summary>
    public string? EndProblem => !_fromStart || Header is null || RecordsRead > 0 ? null
        : _headerGiven ? "The file has no rows."
        : $"The file has a header (line {Header.Line}) but no rows.";

    public static CsvReader Open(Stream stream, CsvReadOptions? options = null)
    {
        options ??= new CsvReadOptions();
        var origin = stream.CanSeek ? stream.Position : 0;
        var sample = new byte[SampleBytes];
        var sampleLength = ReadFully(stream, sample);
        var head = sample.AsSpan(0, sampleLength);

        var bom = CsvEncodings.FromBom(head);
        CsvEncoding encoding;
        if (options.Encoding is { } given)
        {
            encoding = given with { BomLength = bom is not null && bom.Name == given.Name ? bom.BomLength : 0, Detected = false };
        }
        else
        {
            encoding = bom ?? CsvEncodings.GuessUtf16(head) ?? DetectUtf8OrWindows1252(stream, origin, head, sampleLength == SampleBytes, options);
        }

        var text = DecodeSample(head[encoding.BomLength..], encoding);
        var separatorLine = SeparatorLine(text);
        var delimiter = options.Delimiter ?? separatorLine?.Delimiter ?? CsvDelimiters.Detect(text);

        Stream source;
        if (stream.CanSeek)
        {
            stream.Position = origin + encoding.BomLength;
            source = stream;
        }
        else
        {
            source = new PrefixedStream(sample, encoding.BomLength, sampleLength, stream);
        }

        ICsvParser parser = encoding.UnitSize == 2
            ? new CsvParser<char>(source, encoding.BomLength, encoding, delimiter, options)
            : new CsvParser<byte>(source, encoding.BomLength, encoding, delimiter, options);

        if (separatorLine is { } sep)
        {
            parser.SkipTo(encoding.BomLength + (long)sep.Length * encoding.UnitSize, 2);
        }

        CsvHeader? header;
        string? problem = null;
        if (options.Header is { } known)
        {
            header = new CsvHeader([.. known.Select(n => n.Trim())], 0, parser.Offset) { LineCount = 0 };
        }
        else
        {
            (header, problem) = ReadHeader(parser, sampleLength > encoding.BomLength);
        }

        if (header is not null)
        {
            parser.FieldCount = header.Names.Count;
            if (options.StartOffset > 0 && options.StartOffset != parser.Offset)
            {
                parser.SkipTo(options.StartOffset, Math.Max(1, options.StartLine));
            }
        }

        var fromStart = options.StartOffset == 0 || (options.Header is null && options.StartOffset == header?.EndOffset);
        return new CsvReader(encoding, delimiter, options.Delimiter is null, parser, header, problem, fromStart, options.Header is not null)
        {
            HasSepLine = separatorLine is not null,
        };
    }

    /// <summary>The next data record, or null at the end of the file (or when the header has a problem).</summary>
    public CsvRecord? Read()
    {
        if (Header is null)
        {
            return null;
        }

        var record = _parser.Read();
        if (record is not null)
        {
            RecordsRead++;
        }

        return record;
    }

    /// <summary>Every remaining data record.</summary>
    public IEnumerable<CsvRecord> ReadAll()
    {
        while (Read() is { } record)
        {
            yield return record;
        }
    }

    private static (CsvHeader? Header, string? Problem) ReadHeader(ICsvParser parser, bool hasContent)
    {
        var record = parser.Read();
        if (record is null)
        {
            return (null, hasContent
                ? "The file holds only blank lines: its first row must name the columns."
                : "The file is empty.");
        }

        if (record.Error is not null)
        {
            return (null, $"The header (line {record.Line}) is malformed: {record.Error}.");
        }

        // A second byte-order mark (files glued together, or written twice) would otherwise stick to the first name.
        var names = record.Cells.Select(c => c.Trim().Trim('\uFEFF').Trim()).ToList();
        while (names.Count > 0 && names[^1].Length == 0)
        {
            names.RemoveAt(names.Count - 1);
        }

        if (names.Count == 0)
        {
            return (null, $"The header (line {record.Line}) names no columns.");
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i].Length == 0)
            {
                continue;
            }

            if (seen.TryGetValue(names[i], out var first))
            {
                return (null, $"The header (line {record.Line}) names \"{CsvText.Clip(names[i])}\" twice (columns {first + 1} and {i + 1}); every column needs its own name.");
            }

            seen[names[i]] = i;
        }

        return (new CsvHeader(names, record.Line, record.EndOffset) { LineCount = record.LineCount }, null);
    }

    /// <summary>
    /// Excel's <c>sep=;</c> first line, which names the delimiter: the delimiter and the line's length in characters
    /// with its line break (all ASCII, so one code unit each).
    /// </summary>
    private static (char Delimiter, int Length)? SeparatorLine(string text)
    {
        if (text.Length < 5 || !text.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) || text[4] is '\r' or '\n' or '"' || text[4] > (char)0x7F)
        {
            return null;
        }

        if (text.Length == 5)
        {
            return (text[4], 5);
        }

        return text[5] switch
        {
            '\n' => (text[4], 6),
            '\r' => (text[4], text.Length > 6 && text[6] == '\n' ? 7 : 6),
            _ => null,
        };
    }

    private static CsvEncoding DetectUtf8OrWindows1252(Stream stream, long origin, ReadOnlySpan<byte> head, bool more, CsvReadOptions options)
    {
        var census = new Utf8Census();
        var scanRest = more && stream.CanSeek && options.ScanWholeFileForEncoding;
        census.Add(head, final: !scanRest);
        if (scanRest)
        {
            var chunk = new byte[1 << 20];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                census.Add(chunk.AsSpan(0, read), final: false);
            }

            census.Add([], final: true);
            stream.Position = origin;
        }

        return census.LooksUtf8 ? CsvEncodings.Utf8Detected() : CsvEncodings.Windows1252Encoding();
    }

    private static string DecodeSample(ReadOnlySpan<byte> bytes, CsvEncoding encoding)
    {
        if (encoding.UnitSize == 2)
        {
            bytes = bytes[..(bytes.Length & ~1)];
        }

        return encoding.Encoding.GetString(bytes);
    }

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>A non-seekable stream whose first bytes were already read for detection: replays them, then the rest.</summary>
    private sealed class PrefixedStream(byte[] prefix, int from, int to, Stream inner) : Stream
    {
        private int _at = from;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_at < to)
            {
                var n = Math.Min(buffer.Length, to - _at);
                prefix.AsSpan(_at, n).CopyTo(buffer);
                _at += n;
                return n;
            }

            return inner.Read(buffer);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
