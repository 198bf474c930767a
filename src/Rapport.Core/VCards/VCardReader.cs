using System.Runtime.CompilerServices;
using System.Text;

namespace Rapport.VCards;

/// <summary>
/// Streams the cards of a .vcf file (vCard 4.0 RFC 6350, 3.0 RFC 2426 and the 2.1 that older phones export), one
/// <see cref="VCardRecord"/> per card, in constant memory whatever the file or a card's photo size: lines are read
/// through a fixed buffer, PHOTO/LOGO/SOUND/KEY payloads are counted and dropped as they stream past, and a text
/// property longer than <see cref="MaxPropertyBytes"/> makes its card an error instead of growing a buffer.
/// A malformed card becomes an error record (line and reason) and reading goes on with the next card.
/// </summary>
public static class VCardReader
{
    /// <summary>A PHOTO/LOGO/SOUND/KEY payload up to this size stays in <see cref="VCardRecord.Raw"/>; a larger one is replaced by a marker.</summary>
    public const int KeptBinaryBytes = 1024;

    /// <summary><see cref="VCardRecord.Raw"/> is cut at this many characters.</summary>
    public const int MaxRawChars = 64 * 1024;

    /// <summary>The longest text property (after unfolding) a card may have; photos and other binary properties may be any size.</summary>
    public const int MaxPropertyBytes = 256 * 1024;

    /// <summary>The most properties one card may have.</summary>
    public const int MaxProperties = 2000;

    /// <summary>
    /// Reads the cards from <paramref name="stream"/>. With a <paramref name="start"/> position (the
    /// <see cref="VCardRecord.EndOffset"/> and <see cref="VCardRecord.EndLine"/> + 1 of the last card handled) a
    /// seekable stream is positioned there first; offsets and line numbers in the records are always absolute.
    /// </summary>
    public static async IAsyncEnumerable<VCardRecord> ReadAsync(
        Stream stream, VCardReadPosition? start = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var from = start ?? VCardReadPosition.Start;
        if (from.Offset > 0 && stream.CanSeek && stream.Position != from.Offset)
        {
            stream.Seek(from.Offset, SeekOrigin.Begin);
        }

        var lines = new LineSource(stream, from.Offset, from.Line);
        if (from.Offset == 0 && await lines.StartsWithUtf16BomAsync(ct))
        {
            yield return new VCardRecord(1, "", lines.Length(stream), null,
                "Line 1: the file is UTF-16; save or export it as UTF-8 (vCard 4.0 requires UTF-8).") { EndLine = 1 };
            yield break;
        }

        CardBuilder? card = null;
        Stray? stray = null;
        while (await lines.ReadAsync(ct))
        {
            VCardRecord? finished = null;
            VCardRecord? strayDone = null;
            if (card is null)
            {
                if (IsMarker(lines.Current, "BEGIN:VCARD"))
                {
                    strayDone = stray?.ToRecord();
                    stray = null;
                    card = new CardBuilder(lines.LineNumber);
                    card.AddRawLine(lines.Current);
                }
                else if (!IsBlank(lines.Current))
                {
                    stray ??= new Stray(lines.LineNumber);
                    stray.Add(lines.Current, lines.LineNumber, lines.Offset);
                }
            }
            else if (!card.TryContinue(lines.Current, lines.Truncated))
            {
                card.CompleteProperty();
                if (IsMarker(lines.Current, "END:VCARD"))
                {
                    card.AddRawLine(lines.Current);
                    finished = card.ToRecord(lines.LineNumber, lines.Offset);
                    card = null;
                }
                else if (IsMarker(lines.Current, "BEGIN:VCARD"))
                {
                    finished = card.Broken(lines.LineNumber - 1, lines.LineStart,
                        $"Line {card.StartLine}: the card has no END:VCARD before the next BEGIN:VCARD on line {lines.LineNumber}.");
                    card = new CardBuilder(lines.LineNumber);
                    card.AddRawLine(lines.Current);
                }
                else if (!IsBlank(lines.Current))
                {
                    card.StartProperty(lines.Current, lines.LineNumber, lines.Truncated, lines.TotalLength);
                }
            }

            if (strayDone is not null)
            {
                yield return strayDone;
            }

            if (finished is not null)
            {
                yield return finished;
            }
        }

        if (card is not null)
        {
            card.CompleteProperty();
            yield return card.Broken(lines.LineNumber, lines.Offset, $"Line {card.StartLine}: the file ends inside this card (no END:VCARD).");
        }

        if (stray is not null)
        {
            yield return stray.ToRecord();
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim(" \t"u8).IsEmpty;

    private static bool IsMarker(ReadOnlySpan<byte> line, string marker)
    {
        var trimmed = line.Trim(" \t"u8);
        if (trimmed.Length != marker.Length)
        {
            return false;
        }

        for (var i = 0; i < marker.Length; i++)
        {
            if (char.ToUpperInvariant((char)trimmed[i]) != marker[i])
            {
                return false;
            }
        }

        return true;
    }

    internal static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    /// <summary>Non-blank text outside any card: one error record per stretch, so nothing in the file goes unreported.</summary>
    private sealed class Stray(long startLine)
    {
        private readonly StringBuilder _raw = new();
        private long _endLine;
        private long _endOffset;

        public void Add(ReadOnlySpan<byte> line, long lineNumber, long endOffset)
        {
            AppendCapped(_raw, Text(line));
            _endLine = lineNumber;
            _endOffset = endOffset;
        }

        public VCardRecord ToRecord() => new(startLine, _raw.ToString(), _endOffset, null,
            $"Line {startLine}: text outside a card (a card starts with BEGIN:VCARD and ends with END:VCARD).")
        { EndLine = _endLine };
    }

    internal static void AppendCapped(StringBuilder raw, string text)
    {
        if (raw.Length >= MaxRawChars)
        {
            return;
        }

        if (raw.Length + text.Length + 1 > MaxRawChars)
        {
            raw.Append(text.AsSpan(0, Math.Max(0, MaxRawChars - raw.Length - 1))).Append('…');
            return;
        }

        raw.Append(text).Append('\n');
    }

    /// <summary>One card being read: its raw text, its completed properties and the property being unfolded.</summary>
    private sealed class CardBuilder(long firstLine)
    {
        private static readonly HashSet<string> BinaryNames = new(StringComparer.OrdinalIgnoreCase) { "PHOTO", "LOGO", "SOUND", "KEY" };

        private readonly List<VCardProperty> _properties = [];
        private readonly StringBuilder _raw = new();
        private readonly List<byte> _value = [];
        private string? _error;

        // The property being read.
        private bool _open;
        private long _propertyLine;
        private bool _binary;
        private bool _quotedPrintable;
        private bool _tooLong;
        private long _binaryBytes;
        private string _binaryHeader = "";
        private readonly StringBuilder _binaryRaw = new();

        public long StartLine { get; } = firstLine;

        public void AddRawLine(ReadOnlySpan<byte> line) => AppendCapped(_raw, Text(line));

        public void StartProperty(ReadOnlySpan<byte> line, long lineNumber, bool truncated, long totalLength)
        {
            _open = true;
            _propertyLine = lineNumber;
            _value.Clear();
            _tooLong = false;
            var name = NameOf(line);
            _binary = BinaryNames.Contains(name);
            if (_binary)
            {
                _binaryHeader = HeaderOf(line);
                _binaryBytes = Math.Max(0, totalLength - Encoding.UTF8.GetByteCount(_binaryHeader) - 1);
                _binaryRaw.Clear();
                if (_binaryBytes <= KeptBinaryBytes)
                {
                    _binaryRaw.Append(Text(line)).Append('\n');
                }

                return;
            }

            AddRawLine(line);
            var header = HeaderOf(line);
            _quotedPrintable = header.Contains("QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase);
            Append(line, truncated);
        }

        /// <summary>Takes a folded continuation (or a quoted-printable soft line break) into the open property.</summary>
        public bool TryContinue(ReadOnlySpan<byte> line, bool truncated)
        {
            if (!_open)
            {
                return false;
            }

            if (line.Length > 0 && (line[0] == (byte)' ' || line[0] == (byte)'\t'))
            {
                if (_binary)
                {
                    _binaryBytes += line.Length - 1;
                    if (_binaryBytes <= KeptBinaryBytes)
                    {
                        _binaryRaw.Append(Text(line)).Append('\n');
                    }

                    return true;
                }

                AddRawLine(line);
                Append(line[1..], truncated);
                return true;
            }

            // Quoted-printable (2.1 and 3.0) continues a value on the next line after a trailing '=' without folding.
            if (_quotedPrintable && !_binary && _value.Count > 0 && _value[^1] == (byte)'=' && !IsMarker(line, "END:VCARD") && !IsMarker(line, "BEGIN:VCARD"))
            {
                AddRawLine(line);
                _value.RemoveAt(_value.Count - 1);
                Append(line, truncated);
                return true;
            }

            return false;
        }

        public void CompleteProperty()
        {
            if (!_open)
            {
                return;
            }

            _open = false;
            if (_binary)
            {
                if (_binaryBytes <= KeptBinaryBytes)
                {
                    AppendCapped(_raw, _binaryRaw.ToString().TrimEnd('\n'));
                }
                else
                {
                    AppendCapped(_raw, $"{_binaryHeader}:({_binaryBytes:N0} bytes omitted)");
                }

                return;
            }

            if (_tooLong)
            {
                _error ??= $"Line {_propertyLine}: the property is longer than {MaxPropertyBytes:N0} bytes.";
                return;
            }

            if (_properties.Count >= MaxProperties)
            {
                _error ??= $"Line {_propertyLine}: the card has more than {MaxProperties:N0} properties.";
                return;
            }

            var parsed = VCardProperty.Parse(_value.ToArray(), _propertyLine, out var problem);
            if (parsed is null)
            {
                _error ??= problem;
                return;
            }

            _properties.Add(parsed);
        }

        public VCardRecord ToRecord(long endLine, long endOffset)
        {
            var raw = _raw.ToString().TrimEnd('\n');
            if (_error is not null)
            {
                return new VCardRecord(StartLine, raw, endOffset, null, _error) { EndLine = endLine };
            }

            var mapped = VCardMapping.Map(_properties, StartLine);
            return new VCardRecord(StartLine, raw, endOffset, mapped.Customer, mapped.Error) { EndLine = endLine, Note = mapped.Note };
        }

        public VCardRecord Broken(long endLine, long endOffset, string reason) =>
            new(StartLine, _raw.ToString().TrimEnd('\n'), endOffset, null, reason) { EndLine = endLine };

        private void Append(ReadOnlySpan<byte> bytes, bool truncated)
        {
            if (_tooLong || truncated || _value.Count + bytes.Length > MaxPropertyBytes)
            {
                _tooLong = true;
                return;
            }

            foreach (var b in bytes)
            {
                _value.Add(b);
            }
        }

        private static string NameOf(ReadOnlySpan<byte> line)
        {
            var end = line.IndexOfAny(";:"u8);
            var name = end < 0 ? line : line[..end];
            var dot = name.LastIndexOf((byte)'.');
            return Text(dot < 0 ? name : name[(dot + 1)..]).Trim();
        }

        private static string HeaderOf(ReadOnlySpan<byte> line)
        {
            var inQuotes = false;
            for (var i = 0; i < line.Length; i++)
            {
                if (line[i] == (byte)'"')
                {
                    inQuotes = !inQuotes;
                }
                else if (line[i] == (byte)':' && !inQuotes)
                {
                    return Text(line[..i]);
                }
            }

            return Text(line);
        }
    }

    /// <summary>
    /// Physical lines over a fixed buffer. A line is cut at <see cref="MaxPropertyBytes"/> (the rest is counted and
    /// dropped, <see cref="Truncated"/> is set), so a one-line megabyte photo costs no more memory than a short line.
    /// </summary>
    private sealed class LineSource(Stream stream, long offset, long nextLine)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private readonly byte[] _line = new byte[MaxPropertyBytes + 1];
        private int _position;
        private int _length;
        private int _lineLength;
        private bool _end;
        private bool _any;
        private byte _lastByte;

        public ReadOnlySpan<byte> Current => _line.AsSpan(0, _lineLength);

        /// <summary>1-based number of the current line.</summary>
        public long LineNumber { get; private set; } = nextLine - 1;

        /// <summary>Byte offset where the current line starts.</summary>
        public long LineStart { get; private set; } = offset;

        /// <summary>Byte offset just after the current line and its line break.</summary>
        public long Offset { get; private set; } = offset;

        public bool Truncated { get; private set; }

        /// <summary>Length of the current line in bytes, including any part that was dropped.</summary>
        public long TotalLength { get; private set; }

        public long Length(Stream s) => s.CanSeek ? s.Length : Offset;

        public async ValueTask<bool> StartsWithUtf16BomAsync(CancellationToken ct)
        {
            await FillAsync(ct);
            if (_length >= 2 && ((_buffer[0] == 0xFF && _buffer[1] == 0xFE) || (_buffer[0] == 0xFE && _buffer[1] == 0xFF)))
            {
                return true;
            }

            if (_length >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
            {
                // A UTF-8 byte order mark belongs to no line.
                _position = 3;
                Offset += 3;
            }

            return false;
        }

        /// <summary>Reads the next line; completes synchronously (no allocation) while the buffer holds its end.</summary>
        public ValueTask<bool> ReadAsync(CancellationToken ct)
        {
            _lineLength = 0;
            _lastByte = 0;
            _any = false;
            Truncated = false;
            TotalLength = 0;
            LineStart = Offset;
            return TakeBuffered() ? new ValueTask<bool>(true) : RefillAsync(ct);
        }

        private async ValueTask<bool> RefillAsync(CancellationToken ct)
        {
            while (true)
            {
                if (_end || !await FillAsync(ct))
                {
                    if (!_any)
                    {
                        return false;
                    }

                    Finish();
                    return true;
                }

                if (TakeBuffered())
                {
                    return true;
                }
            }
        }

        /// <summary>Takes buffered bytes into the current line; true when its line break was found.</summary>
        private bool TakeBuffered()
        {
            if (_position >= _length)
            {
                return false;
            }

            _any = true;
            var available = _buffer.AsSpan(_position, _length - _position);
            var newline = available.IndexOf((byte)'\n');
            var take = newline < 0 ? available : available[..newline];
            Keep(take);
            _position += take.Length;
            Offset += take.Length;
            if (newline < 0)
            {
                return false;
            }

            _position++;
            Offset++;
            Finish();
            return true;
        }

        private void Finish()
        {
            if (_lastByte == (byte)'\r')
            {
                TotalLength--;
                if (!Truncated)
                {
                    _lineLength--;
                }
            }

            LineNumber++;
        }

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            if (bytes.IsEmpty)
            {
                return;
            }

            _lastByte = bytes[^1];
            TotalLength += bytes.Length;
            var room = _line.Length - _lineLength;
            if (bytes.Length > room)
            {
                Truncated = true;
                bytes = bytes[..room];
            }

            bytes.CopyTo(_line.AsSpan(_lineLength));
            _lineLength += bytes.Length;
        }

        private async ValueTask<bool> FillAsync(CancellationToken ct)
        {
            _position = 0;
            _length = await stream.ReadAsync(_buffer, ct);
            if (_length == 0)
            {
                _end = true;
                return false;
            }

            return true;
        }
    }
}
